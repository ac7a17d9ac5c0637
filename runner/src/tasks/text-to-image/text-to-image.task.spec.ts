import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAssetDirs } from '../../../../contracts/assets/asset-dirs.js';
import type { Manifest } from '../../../../contracts/manifest/manifest.schemas.js';
import { attr, GraphBuilder } from '../../onnx/graph-builder.js';
import smokeT2i from '../../../../benchmarks/text-to-image/smoke-t2i-32.suite.js';
import {
  buildExampleTextDenoiser,
  buildExampleTextEncoder,
  buildExampleTextGenerator,
  exampleSampleBatchManifest,
  exampleTextDenoiserManifest,
  exampleTextGeneratorManifest,
  exampleTokenizerJson,
  writeExampleSampleBatch,
} from '../../../../benchmarks/text-to-image/example-models.js';
import { runEvaluation } from '../evaluate.js';
import type { EvaluationOutput } from '../task-family.js';

const assetDirs = loadAssetDirs({});
const textEncoder = buildExampleTextEncoder();
const tokenizer = new TextEncoder().encode(exampleTokenizerJson());
const score = (out: EvaluationOutput, id: string) => out.metrics.find((m) => m.id === id)!.value;

function run(manifest: Manifest, model: Uint8Array, extra: { textEncoder?: Uint8Array; tokenizer?: Uint8Array; modelPath?: string } = {}) {
  return runEvaluation({ model, manifest, suite: smokeT2i, assetDirs, textEncoder, tokenizer, ...extra });
}

describe('text-to-image task family (smoke-t2i-32)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 't2i-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a prompt-following denoiser beats a prompt-ignoring one on CLIP score and CMMD, guided by the empty prompt', async () => {
    const following = await run(exampleTextDenoiserManifest('follow'), buildExampleTextDenoiser(true));
    const ignoring = await run(exampleTextDenoiserManifest('ignore'), buildExampleTextDenoiser(false));
    expect(following.metrics.map((m) => m.id)).toEqual(['clip_score', 'cmmd', 'fid']);
    expect(score(following, 'clip_score')).toBeGreaterThan(score(ignoring, 'clip_score') + 20);
    expect(score(following, 'cmmd')).toBeLessThan(score(ignoring, 'cmmd'));
    expect(score(following, 'fid')).toBeLessThan(score(ignoring, 'fid'));
    expect(following.protocol.text).toMatchObject({
      contextLength: 16,
      tokenizerMaxLength: 16,
      unconditional: 'empty-prompt-encoding',
      truncatedPrompts: 0,
      output: { name: 'context', role: 'context', shape: [2, 8] },
    });
    expect(following.protocol.sampler).toMatchObject({ solver: 'ddim', steps: 10, classifierFreeGuidance: true });
    expect(following.protocol.prompts).toMatchObject({ type: 'synthetic-colour-shapes', seed: 0, count: 224 });
  });

  it('scores the same numbers twice (seeds fixed by the suite)', async () => {
    const a = await run(exampleTextGeneratorManifest('g'), buildExampleTextGenerator(true));
    const b = await run(exampleTextGeneratorManifest('g'), buildExampleTextGenerator(true));
    expect(a.metrics).toEqual(b.metrics);
    const ignoring = await run(exampleTextGeneratorManifest('g0'), buildExampleTextGenerator(false));
    expect(score(a, 'clip_score')).toBeGreaterThan(score(ignoring, 'clip_score') + 20);
    expect(score(a, 'cmmd')).toBeLessThan(score(ignoring, 'cmmd'));
  });

  it('scores a sample batch of one image per prompt, and refuses one of another count', async () => {
    const good = join(dir, 'good.npz');
    await writeExampleSampleBatch(good);
    const out = await run(exampleSampleBatchManifest('s'), new Uint8Array(0), { modelPath: good });
    expect(score(out, 'clip_score')).toBeGreaterThan(80);
    const short = join(dir, 'short.npz');
    await writeExampleSampleBatch(short, 223);
    await expect(run(exampleSampleBatchManifest('s'), new Uint8Array(0), { modelPath: short })).rejects.toThrow(/holds 223 images/);
    const long = join(dir, 'long.npz');
    await writeExampleSampleBatch(long, 300);
    await expect(run(exampleSampleBatchManifest('s'), new Uint8Array(0), { modelPath: long })).rejects.toMatchObject({
      kind: 'model',
      message: expect.stringMatching(/holds 300 images/) as unknown,
    });
  });

  it('refuses, as the model fault, a tokenizer.json that does not load', async () => {
    const bad = new TextEncoder().encode('{"version": "1.0", "model": {"type": "Nonsense"}}');
    await expect(run(exampleTextDenoiserManifest('d'), buildExampleTextDenoiser(true), { tokenizer: bad })).rejects.toMatchObject({
      kind: 'model',
      message: expect.stringMatching(/tokenizer does not load/) as unknown,
    });
  });

  it('refuses a text encoder whose output does not fit the denoiser context input', async () => {
    // An encoder returning [N, 3, 8] for a denoiser that takes [N, 2, 8].
    const g = new GraphBuilder({ name: 'wide-encoder' });
    g.input('input_ids', 'int64', ['batch', 16]);
    g.initializer('positions', BigInt64Array.from([2n, 3n, 6n]), [3]).initializer('table', new Float32Array(400 * 8), [400, 8]);
    g.node('Gather', ['input_ids', 'positions'], ['ids3'], { axis: attr.int(1) });
    g.node('Gather', ['table', 'ids3'], ['context'], { axis: attr.int(0) });
    g.output('context', 'float32', ['batch', 3, 8]);
    await expect(run(exampleTextDenoiserManifest('d'), buildExampleTextDenoiser(true), { textEncoder: g.toBytes() })).rejects.toMatchObject(
      {
        kind: 'model',
        message: expect.stringMatching(/\[N, 3, 8\] but the denoiser's input "context" takes float32 \[batch, 2, 8\]/) as unknown,
      },
    );
  });
});
