import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { remapSources } from '../runner/src/conditions/paired-sources.js';
import { syntheticEdits } from '../runner/src/conditions/synthetic-edits.js';
import { drawnPrompts } from '../runner/src/conditions/suite-inputs.js';
import { buildTinyExtractor } from '../runner/src/onnx/models/tiny-extractor.js';
import { buildTinyLpipsNet } from '../runner/src/onnx/models/tiny-lpips-net.js';
import { makeSyntheticImages } from '../runner/src/onnx/models/synthetic-images.js';
import { syntheticSegmentationSample } from '../runner/src/segmentation/synthetic-dataset.js';
import { isSegmentationSuite } from '../contracts/suites/segmentation-suite.schemas.js';
import { SUITES } from './index.js';
import { isImageConditionedSuite } from '../contracts/suites/image-conditioned-suite.schemas.js';
import { isTextToImageSuite } from '../contracts/suites/text-to-image-suite.schemas.js';
import { isVideoSuite } from '../contracts/suites/video-suite.schemas.js';
import { buildMotionStandinI3d } from '../runner/src/onnx/models/motion-standin-i3d.js';
import { movingShapesVideo } from '../runner/src/tasks/video/moving-shapes.js';
import { promptVideo } from '../runner/src/tasks/video/prompt-videos.js';
import { buildClipLikeImageEncoder, buildClipLikeTextEncoder } from '../runner/src/text/clip-like-encoders.js';
import { clipStyleTokenizerJson } from '../runner/src/text/clip-style-tokenizer.js';
import { drawPrompt, PALETTE, PROMPT_WORDS, syntheticPrompts } from '../runner/src/text/synthetic-prompts.js';

// The data that the suites generate themselves (no downloaded file, so no sha256 in the definition checks
// it): synthetic reference images, the built-in extractor, synthetic segmentation images and labels. Each
// suite version's digests are pinned here. A failure means that suite's scores move: restore what changed
// (runner/src/random/protocol-streams.ts, the generators), or give the suite a new version with new digests.
// The extractor digest is of its ONNX bytes, so a change of the ONNX writer fails here too; check the
// scores then.
const PINNED: Record<string, Record<string, string>> = {
  'smoke-32 v1': {
    reference: '36975ac4ea40e1fdcbb2c0418820cb4c05a0096b6c1f23a3851d4aa972b1596f',
    extractor: '6fe49cb8e6caf68d2984ed0a8a5ac8a6149bf515f33a4e6bada6c3d4bf4758bf',
  },
  'smoke-32-denoiser v1': {
    reference: '36975ac4ea40e1fdcbb2c0418820cb4c05a0096b6c1f23a3851d4aa972b1596f',
    extractor: '6fe49cb8e6caf68d2984ed0a8a5ac8a6149bf515f33a4e6bada6c3d4bf4758bf',
  },
  'smoke-32-samples v1': {
    reference: '36975ac4ea40e1fdcbb2c0418820cb4c05a0096b6c1f23a3851d4aa972b1596f',
    extractor: '6fe49cb8e6caf68d2984ed0a8a5ac8a6149bf515f33a4e6bada6c3d4bf4758bf',
  },
  'smoke-t2i-32 v1': {
    prompts: 'c19c801ac7c917dda9ee993ae7050fe26c27338fd13743c1ecad38a0cc029203',
    reference: '36a6e730290e2276a08d572436ad3e7bd9ab180a5e631978de0278af40b5cca4',
    clip: '0d09c18c82701877e9a15c74c1d1fdb55b146868acfe272371d80b36b601161b',
    extractor: '6fe49cb8e6caf68d2984ed0a8a5ac8a6149bf515f33a4e6bada6c3d4bf4758bf',
  },
  'smoke-video-16x32 v1': {
    reference: 'f049afef9de9ab5cb9805632794bdcdbfc690a23a63516d274c9c941bdc0abea',
    video_network: '37490006c25d42028f2c247a4fe20b0028348a886d41ec8df9deec0d3094cab6',
    extractor: '6fe49cb8e6caf68d2984ed0a8a5ac8a6149bf515f33a4e6bada6c3d4bf4758bf',
  },
  'smoke-t2v-12x32 v1': {
    prompts: 'c19c801ac7c917dda9ee993ae7050fe26c27338fd13743c1ecad38a0cc029203',
    reference: 'a08f5f5e3d8a09ac26dc69ae0963d2cbd3e162a3916a2a4751d5967138794d6c',
    clip: '0d09c18c82701877e9a15c74c1d1fdb55b146868acfe272371d80b36b601161b',
    video_network: 'c9a1c38c38af694b0cb9db5414eff5a943399e63dc49da5332365c551ad2308c',
    extractor: '6fe49cb8e6caf68d2984ed0a8a5ac8a6149bf515f33a4e6bada6c3d4bf4758bf',
  },
  'smoke-sr4-32 v2': {
    targets: 'e4f161e2fbcc4da219dd73f1b4ffe67927b0439d7f71ca73f2d3b977fd4766d0',
    extractor: '6fe49cb8e6caf68d2984ed0a8a5ac8a6149bf515f33a4e6bada6c3d4bf4758bf',
    lpips: 'dbc12d2b4640b698f2fc178469c142107125312b723c1a55f53e4c0af8af9496',
  },
  'smoke-sr4-32-denoiser v2': {
    targets: 'e4f161e2fbcc4da219dd73f1b4ffe67927b0439d7f71ca73f2d3b977fd4766d0',
    extractor: '6fe49cb8e6caf68d2984ed0a8a5ac8a6149bf515f33a4e6bada6c3d4bf4758bf',
    lpips: 'dbc12d2b4640b698f2fc178469c142107125312b723c1a55f53e4c0af8af9496',
  },
  'smoke-canny-32 v2': {
    targets: 'e4f161e2fbcc4da219dd73f1b4ffe67927b0439d7f71ca73f2d3b977fd4766d0',
    extractor: '6fe49cb8e6caf68d2984ed0a8a5ac8a6149bf515f33a4e6bada6c3d4bf4758bf',
    lpips: 'dbc12d2b4640b698f2fc178469c142107125312b723c1a55f53e4c0af8af9496',
  },
  'smoke-edit-32 v1': {
    sources: 'd48e9e9fb32b6449dea832107af4a6c52b17116b15b6139a77e74784f4c1e297',
    targets: 'ce6bf55d68d2587ef9304e461f52bf0c9da823c29d1d01bb4b64ba34b8e62cd7',
    prompts: 'f1e903311640d980f0bf24bd8ede425349c9ab62802c957c7ced20d9b5099f96',
    clip: '0d09c18c82701877e9a15c74c1d1fdb55b146868acfe272371d80b36b601161b',
    extractor: '6fe49cb8e6caf68d2984ed0a8a5ac8a6149bf515f33a4e6bada6c3d4bf4758bf',
  },
  'smoke-edit-32-denoiser v1': {
    sources: 'd48e9e9fb32b6449dea832107af4a6c52b17116b15b6139a77e74784f4c1e297',
    targets: 'ce6bf55d68d2587ef9304e461f52bf0c9da823c29d1d01bb4b64ba34b8e62cd7',
    prompts: 'f1e903311640d980f0bf24bd8ede425349c9ab62802c957c7ced20d9b5099f96',
    clip: '0d09c18c82701877e9a15c74c1d1fdb55b146868acfe272371d80b36b601161b',
    extractor: '6fe49cb8e6caf68d2984ed0a8a5ac8a6149bf515f33a4e6bada6c3d4bf4758bf',
  },
  'smoke-canny-text-32 v1': {
    targets: '4fefd30ffb32b61d7fc087e63d70c0a6acbb7976cda264d657475cae085be03a',
    prompts: '2dbd90fe31a6391c045191226f9582257b11d57b2bab4dba1518a63e54e7d6bb',
    clip: '0d09c18c82701877e9a15c74c1d1fdb55b146868acfe272371d80b36b601161b',
    extractor: '6fe49cb8e6caf68d2984ed0a8a5ac8a6149bf515f33a4e6bada6c3d4bf4758bf',
    lpips: 'dbc12d2b4640b698f2fc178469c142107125312b723c1a55f53e4c0af8af9496',
  },
  'smoke-translate-32 v1': {
    targets: 'e4f161e2fbcc4da219dd73f1b4ffe67927b0439d7f71ca73f2d3b977fd4766d0',
    sources: '0f0951ac6101f711c895a7892bcfa6db96c81f2bc46886b5fe61cec6172d0fff',
    extractor: '6fe49cb8e6caf68d2984ed0a8a5ac8a6149bf515f33a4e6bada6c3d4bf4758bf',
  },
  'smoke-seg-dataset v1': { dataset: '52137c1ff9b7afc653d1b146dbeb0937038610ef814133613e856c473772ca56' },
  'smoke-seg-per-image v1': { dataset: '52137c1ff9b7afc653d1b146dbeb0937038610ef814133613e856c473772ca56' },
};

const sha256 = (parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

/** The CLIP-like encoder pair and tokenizer a suite builds (clip-model.ts builds them so). */
function clipLikeDigest(resolution: number, contextLength: number): string {
  const json = clipStyleTokenizerJson(PROMPT_WORDS);
  const vocab = (json.model as { vocab: Record<string, number> }).vocab;
  return sha256([
    buildClipLikeImageEncoder(resolution),
    buildClipLikeTextEncoder(
      contextLength,
      Object.keys(vocab).length,
      PALETTE.map((c) => vocab[`${c.name}</w>`]!),
    ),
    new TextEncoder().encode(JSON.stringify(json)),
  ]);
}

/** Digests of what `suite` generates for itself; empty when it generates nothing. */
function generatedData(suite: (typeof SUITES)[number]): Record<string, string> {
  const out: Record<string, string> = {};
  if (isSegmentationSuite(suite)) {
    if (suite.dataset.type === 'synthetic-shapes') {
      const { seed, images } = suite.dataset;
      const parts: Uint8Array[] = [];
      for (let i = 0; i < images; i++) {
        const s = syntheticSegmentationSample({ seed, height: suite.resolution, width: suite.resolution }, i);
        parts.push(s.image, s.label);
      }
      out.dataset = sha256(parts);
    }
    return out;
  }
  if (isImageConditionedSuite(suite)) {
    // Synthetic edits: sources, targets and instructions generated together (synthetic-edits.ts), and the CLIP.
    const c = suite.condition;
    if (c.kind === 'edit-instruction' && c.sources.type === 'synthetic-colour-edits' && suite.targets.type === 'synthetic-shapes') {
      const e = syntheticEdits(suite.samples, suite.resolution, c.sources.seed, suite.targets.seed);
      out.sources = sha256([e.sources]);
      out.targets = sha256([e.targets]);
      out.prompts = sha256([new TextEncoder().encode([e.instructions, e.before, e.after].map((l) => l.join('\n')).join('\n\n'))]);
      if (suite.clip?.type === 'builtin-clip-like') out.clip = clipLikeDigest(suite.resolution, suite.clip.context_length);
      if (suite.extractor.type === 'builtin-tiny-conv')
        out.extractor = sha256([buildTinyExtractor({ inputSize: suite.extractor.input_size, seed: suite.extractor.seed })]);
      return out;
    }
    // Text-guided control: targets drawn from the prompt grammar, captioned by their prompts.
    if (c.kind === 'canny' && c.captions?.type === 'synthetic-prompts' && suite.targets.type === 'synthetic-shapes') {
      const drawn = drawnPrompts(suite.samples, suite.resolution, c.captions.seed, suite.targets.seed);
      out.targets = sha256([drawn.targets]);
      out.prompts = sha256([new TextEncoder().encode(drawn.captions.join('\n'))]);
    }
    // Conditions are computed from the targets (and the suite's seed): the targets' digest pins them too.
    else if (suite.targets.type === 'synthetic-shapes')
      out.targets = sha256([makeSyntheticImages({ n: suite.targets.n, resolution: suite.resolution, seed: suite.targets.seed })]);
    // A source domain the harness derives from the targets (paired translation) is pinned by its own digest.
    if (
      suite.targets.type === 'synthetic-shapes' &&
      suite.condition.kind === 'paired-source' &&
      suite.condition.sources.type === 'synthetic-remap'
    ) {
      const targets = makeSyntheticImages({ n: suite.targets.n, resolution: suite.resolution, seed: suite.targets.seed });
      out.sources = sha256([remapSources(suite.condition.sources.remap, targets)]);
    }
    if (suite.extractor.type === 'builtin-tiny-conv')
      out.extractor = sha256([buildTinyExtractor({ inputSize: suite.extractor.input_size, seed: suite.extractor.seed })]);
    if (suite.clip?.type === 'builtin-clip-like') out.clip = clipLikeDigest(suite.resolution, suite.clip.context_length);
    // The LPIPS stand-in's ONNX bytes and its linear-layer weights (lpips-network.ts builds them so).
    if (suite.lpips?.type === 'builtin-tiny-lpips') {
      const net = buildTinyLpipsNet(suite.lpips.seed);
      out.lpips = sha256([net.model, ...net.lins.map((w) => new Uint8Array(w.buffer, w.byteOffset, w.byteLength))]);
    }
    return out;
  }
  if (isVideoSuite(suite)) {
    // The moving-shapes reference videos and the motion stand-in for I3D (video-network.ts builds it so).
    if (suite.reference.type === 'synthetic-moving-shapes') {
      const { n, seed } = suite.reference;
      out.reference = sha256(
        Array.from({ length: n }, (_, i) => movingShapesVideo(i, { seed, frames: suite.frames, resolution: suite.resolution })),
      );
    }
    if (suite.reference.type === 'synthetic-prompt-videos' && suite.prompts?.type === 'synthetic-colour-shapes') {
      const { seed } = suite.reference;
      const prompts = syntheticPrompts(suite.prompts.seed);
      out.prompts = sha256([new TextEncoder().encode(prompts.map((p) => p.text).join('\n'))]);
      out.reference = sha256(prompts.map((p, i) => promptVideo(p, { seed, frames: suite.frames, size: suite.resolution }, i)));
    }
    if (suite.clip?.type === 'builtin-clip-like') out.clip = clipLikeDigest(suite.resolution, suite.clip.context_length);
    if (suite.fvd.network.type === 'builtin-motion-standin')
      out.video_network = sha256([
        buildMotionStandinI3d({ seed: suite.fvd.network.seed, frames: suite.fvd.clip_frames, size: suite.resolution }),
      ]);
    if (suite.extractor.type === 'builtin-tiny-conv')
      out.extractor = sha256([buildTinyExtractor({ inputSize: suite.extractor.input_size, seed: suite.extractor.seed })]);
    return out;
  }
  if (isTextToImageSuite(suite)) {
    // The prompts, the reference images drawn from them and the CLIP-like encoders (clip-model.ts builds them so).
    if (suite.prompts.type === 'synthetic-colour-shapes') {
      const prompts = syntheticPrompts(suite.prompts.seed);
      out.prompts = sha256([new TextEncoder().encode(prompts.map((p) => p.text).join('\n'))]);
      if (suite.reference.type === 'synthetic-prompt-images') {
        const seed = suite.reference.seed;
        out.reference = sha256(prompts.map((p, i) => drawPrompt(p, suite.resolution, seed, i)));
      }
    }
    if (suite.clip.type === 'builtin-clip-like') out.clip = clipLikeDigest(suite.resolution, suite.clip.context_length);
  }
  if (suite.reference.type === 'synthetic-shapes') {
    out.reference = sha256([makeSyntheticImages({ n: suite.reference.n, resolution: suite.resolution, seed: suite.reference.seed })]);
  }
  if (suite.extractor.type === 'builtin-tiny-conv') {
    out.extractor = sha256([buildTinyExtractor({ inputSize: suite.extractor.input_size, seed: suite.extractor.seed })]);
  }
  return out;
}

describe('the data the smoke suites generate is pinned per suite version', () => {
  const generating = SUITES.filter((s) => Object.keys(generatedData(s)).length > 0);

  it('every suite that generates its own data has pinned digests, and every pin names such a suite', () => {
    expect(generating.map((s) => `${s.id} v${s.version}`).sort()).toEqual(Object.keys(PINNED).sort());
  });

  it.each(generating.map((s) => [`${s.id} v${s.version}`, s] as const))('%s', (key, suite) => {
    expect(generatedData(suite)).toEqual(PINNED[key]);
  });
});
