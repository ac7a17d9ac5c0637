import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAssetDirs } from '../../../../contracts/assets/asset-dirs.js';
import type { Manifest } from '../../../../contracts/manifest/manifest.schemas.js';
import type { SuiteDefinition } from '../../../../contracts/suites/suite.schemas.js';
import smokeCanny from '../../../../benchmarks/image-conditioned/smoke-canny-32.suite.js';
import smokeCannyText from '../../../../benchmarks/image-conditioned/smoke-canny-text-32.suite.js';
import smokeEdit from '../../../../benchmarks/image-conditioned/smoke-edit-32.suite.js';
import smokeEditDenoiser from '../../../../benchmarks/image-conditioned/smoke-edit-32-denoiser.suite.js';
import {
  buildCannyFill,
  buildInstructionEncoder,
  buildRecolourEditDenoiser,
  buildRecolourEditor,
  exampleCannyFillManifest,
  exampleEditDenoiserManifest,
  exampleEditorManifest,
  exampleEditTokenizerJson,
} from '../../../../benchmarks/image-conditioned/example-text-models.js';
import { buildExampleTextEncoder, exampleTokenizerJson } from '../../../../benchmarks/text-to-image/example-models.js';
import { suiteInputs, writeSuiteInputs } from '../../conditions/suite-inputs.js';
import { ModelFailure } from '../../evaluation/model-failure.js';
import { readNpz } from '../../io/npz.js';
import { syntheticPrompts } from '../../text/synthetic-prompts.js';
import { runEvaluation } from '../evaluate.js';
import type { EvaluationOutput } from '../task-family.js';

// Text-and-image models (issue #17): instruction editors and text-guided control models bring their own text
// encoder and tokenizer, and the harness feeds instruction i or caption i with condition i.

const assetDirs = loadAssetDirs({});
const score = (out: EvaluationOutput, id: string) => out.metrics.find((m) => m.id === id)!.value;
const editText = { textEncoder: buildInstructionEncoder(), tokenizer: new TextEncoder().encode(exampleEditTokenizerJson()) };
const captionText = { textEncoder: buildExampleTextEncoder(), tokenizer: new TextEncoder().encode(exampleTokenizerJson()) };
const run = (
  manifest: Manifest,
  model: Uint8Array,
  suite: SuiteDefinition,
  text: { textEncoder?: Uint8Array; tokenizer?: Uint8Array } = {},
) => runEvaluation({ model, manifest, suite, assetDirs, ...text });

describe('text-and-image models on image-conditioned suites', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'text-image-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a captioned control suite publishes caption i (the drawn prompt) with map i, in the inputs file too', async () => {
    const inputs = await suiteInputs(smokeCannyText);
    const prompts = syntheticPrompts(0).slice(0, 64);
    expect(inputs.text).toEqual({ field: 'captions', lines: prompts.map((p) => p.text) });
    const path = join(dir, 'captioned-inputs.npz');
    await writeSuiteInputs(path, inputs);
    const npz = await readNpz(path);
    expect(new TextDecoder().decode(npz.captions!.data as Uint8Array).split('\n')).toEqual(inputs.text!.lines);
    expect(npz.instructions).toBeUndefined();
  });

  it('text-guided control: reading the caption beats ignoring it on CLIP score, PSNR, FID and LPIPS; both fill the same regions, so edge F1 is equal (1e-12)', async () => {
    const captioned = await run(exampleCannyFillManifest('fill-captioned', true), buildCannyFill(true), smokeCannyText, captionText);
    const fixed = await run(exampleCannyFillManifest('fill-white-on-black', false), buildCannyFill(false), smokeCannyText);
    expect(captioned.metrics.map((m) => m.id)).toEqual(['edge_f1', 'clip_score', 'psnr', 'fid', 'kid', 'lpips']);
    // The tiny CLIP-like encoders embed the two colours. Reading the caption scores 100 on each drawing whose map has
    // edges (60 of 64: 93.75); where the colours are too alike in grey for Canny the fill is empty and the drawing
    // all background. White on black matches a caption only where it names those colours.
    expect(score(captioned, 'clip_score')).toBeCloseTo(93.75, 9);
    expect(score(fixed, 'clip_score')).toBeLessThan(score(captioned, 'clip_score') - 40);
    // The fill's boundary sits a pixel off the drawn one, so the re-extracted edges agree only in part.
    expect(score(captioned, 'edge_f1')).toBeGreaterThan(0.5);
    expect(Math.abs(score(captioned, 'edge_f1') - score(fixed, 'edge_f1'))).toBeLessThan(1e-12);
    expect(score(captioned, 'psnr')).toBeGreaterThan(score(fixed, 'psnr') + 5);
    expect(score(captioned, 'fid')).toBeLessThan(score(fixed, 'fid'));
    expect(score(captioned, 'lpips')).toBeLessThan(score(fixed, 'lpips'));
    expect(captioned.protocol.text).toMatchObject({ fed: 'captions', contextLength: 16, output: { shape: [2, 8] }, truncatedPrompts: 0 });
    expect(fixed.protocol.text).toBeUndefined();
  });

  it('instruction editing: the editor reading the instruction beats the one ignoring it on CLIP directional similarity and PSNR', async () => {
    const instructed = await run(exampleEditorManifest('recolour-instructed'), buildRecolourEditor(true), smokeEdit, editText);
    const white = await run(exampleEditorManifest('recolour-white'), buildRecolourEditor(false), smokeEdit, editText);
    expect(score(instructed, 'clip_directional')).toBeGreaterThan(score(white, 'clip_directional') + 0.2);
    expect(score(instructed, 'psnr')).toBeGreaterThan(score(white, 'psnr') + 10);
    expect(instructed.protocol.text).toMatchObject({ fed: 'instructions', output: { shape: [1, 8] } });
  });

  it('an InstructPix2Pix-style denoiser (source + instruction, x0 = the edit) sampled by DDIM scores as the one-step editor does (1e-9)', async () => {
    const oneStep = await run(exampleEditorManifest('recolour-instructed'), buildRecolourEditor(true), smokeEdit, editText);
    const sampled = await run(exampleEditDenoiserManifest('recolour-denoiser'), buildRecolourEditDenoiser(), smokeEditDenoiser, editText);
    expect(sampled.metrics.map((m) => m.id)).toEqual(oneStep.metrics.map((m) => m.id));
    for (const m of oneStep.metrics) expect(Math.abs(score(sampled, m.id) - m.value), m.id).toBeLessThan(1e-9);
    expect(sampled.protocol.text).toMatchObject({ fed: 'instructions', unconditional: 'empty-prompt-encoding' });
    expect(sampled.protocol.sampler).toBeDefined();
  });

  it('refuses, before running, an editor without a text encoder, a text model on a suite without text, and a missing tokenizer', async () => {
    const noText = { ...exampleEditorManifest('blind'), inputs: { condition: 'source' }, text_encoder: undefined };
    await expect(run(noText, buildRecolourEditor(true), smokeEdit)).rejects.toThrow(
      /smoke-edit-32 edits by instruction: the model needs inputs.context and a text_encoder/,
    );
    await expect(run(exampleCannyFillManifest('fill', true), buildCannyFill(true), smokeCanny, captionText)).rejects.toThrow(
      /smoke-canny-32 publishes no text with its conditions/,
    );
    const err = await run(exampleEditorManifest('no-tokenizer'), buildRecolourEditor(true), smokeEdit, {
      textEncoder: editText.textEncoder,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFailure);
    expect((err as Error).message).toMatch(/no tokenizer file/);
    // A context input the graph does not have, then an encoder whose context does not fit the model's.
    await expect(
      run(
        { ...exampleEditorManifest('renamed'), inputs: { condition: 'source', context: 'prompt' } },
        buildRecolourEditor(true),
        smokeEdit,
        editText,
      ),
    ).rejects.toThrow(/the graph has no input named "prompt" for inputs.context \(its inputs: source, context\)/);
    await expect(run(exampleEditorManifest('misfit'), buildRecolourEditor(true), smokeEdit, captionText)).rejects.toThrow(
      /does not fit the model/,
    );
  });
});
