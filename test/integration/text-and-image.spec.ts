import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildCannyFill,
  buildInstructionEncoder,
  buildRecolourEditDenoiser,
  buildRecolourEditor,
  exampleCannyFillManifest,
  exampleEditDenoiserManifest,
  exampleEditorManifest,
  exampleEditTokenizerJson,
} from '../../benchmarks/image-conditioned/example-text-models.js';
import { buildChannelTranslator, exampleTranslatorManifest } from '../../benchmarks/image-conditioned/example-models.js';
import { buildExampleTextEncoder, exampleTokenizerJson } from '../../benchmarks/text-to-image/example-models.js';
import { migratedScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { getJson, type TestStack, startStack, waitForEvaluation } from '../support/stack.js';
import { storedFiles, submit, uploadLeftovers } from '../support/submissions.js';

/**
 * Text-and-image submissions (issue #17) through the API, the queue and a runner: instruction editors and a
 * text-guided control model uploaded with their text encoder and tokenizer (multipart fields "text_encoder" and
 * "tokenizer"), queued only where the suite publishes text, scored with instruction i or caption i fed beside
 * condition i; and the submissions that cannot work refused with a reason, storing nothing. A database of its own.
 */
describe('text-and-image submissions (smoke-edit-32, smoke-edit-32-denoiser, smoke-canny-text-32)', () => {
  let scratch: ScratchDatabase;
  let stack: TestStack;
  beforeAll(async () => {
    scratch = await migratedScratchDatabase('textimage');
    stack = await startStack({ databaseUrl: scratch.url });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await scratch?.drop();
  });

  const editText = { text_encoder: buildInstructionEncoder(), tokenizer: new TextEncoder().encode(exampleEditTokenizerJson()) };
  const captionText = { text_encoder: buildExampleTextEncoder(), tokenizer: new TextEncoder().encode(exampleTokenizerJson()) };
  const named = <T extends { name: string }>(m: T, name: string): T => ({ ...m, name: `${stack.owner}-${name}` });
  const metricsOf = async (id: string) => {
    const { final } = await waitForEvaluation(stack, id, 120_000);
    expect(final.status, final.failureReason).toBe('succeeded');
    return { metrics: final.metrics as Record<string, number>, protocol: final.provenance.protocol as Record<string, any> };
  };

  it('editors read the instructions: the one following them ranks first, and its denoiser twin scores the same on its own board', async () => {
    const ids: Record<string, string> = {};
    for (const [name, model, manifest, suite] of [
      ['instructed', buildRecolourEditor(true), exampleEditorManifest('x'), 'smoke-edit-32'],
      ['white', buildRecolourEditor(false), exampleEditorManifest('x'), 'smoke-edit-32'],
      ['denoiser', buildRecolourEditDenoiser(), exampleEditDenoiserManifest('x'), 'smoke-edit-32-denoiser'],
    ] as const) {
      const r = await submit(stack, stack.submitterToken, { file: model, manifest: named(manifest, name), ...editText });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.evaluations.map((e: any) => e.suite.id)).toEqual([suite]);
      ids[name] = r.body.evaluations[0].id;
    }
    const instructed = await metricsOf(ids.instructed!);
    const white = await metricsOf(ids.white!);
    const denoiser = await metricsOf(ids.denoiser!);
    expect(instructed.metrics.clip_directional).toBeGreaterThan(white.metrics.clip_directional! + 0.2);
    expect(instructed.metrics.psnr).toBeGreaterThan(white.metrics.psnr! + 10);
    for (const [id, v] of Object.entries(instructed.metrics)) expect(Math.abs(denoiser.metrics[id]! - v), id).toBeLessThan(1e-9);
    // Provenance says which text was fed and how it was tokenised.
    expect(instructed.protocol.text).toMatchObject({ fed: 'instructions', contextLength: 16, truncatedPrompts: 0 });
    const board = await getJson(stack, '/api/leaderboards?suite=smoke-edit-32');
    expect(board.boards[0].entries.map((e: any) => e.model.name)).toEqual([`${stack.owner}-instructed`, `${stack.owner}-white`]);
  }, 240_000);

  it('a text-guided control model is queued where captions are published and not on the uncaptioned Canny suite, saying why', async () => {
    const r = await submit(stack, stack.submitterToken, {
      file: buildCannyFill(true),
      manifest: named(exampleCannyFillManifest('x', true), 'fill-captioned'),
      ...captionText,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.evaluations.map((e: any) => e.suite.id)).toEqual(['smoke-canny-text-32']);
    expect(r.body.warnings.join('\n')).toMatch(/not queued on smoke-canny-32 v2: smoke-canny-32 publishes no text with its conditions/);
    // A model without text is scored on both boards.
    const plain = await submit(stack, stack.submitterToken, {
      file: buildCannyFill(false),
      manifest: named(exampleCannyFillManifest('x', false), 'fill-white-on-black'),
    });
    expect(plain.status, JSON.stringify(plain.body)).toBe(201);
    expect(plain.body.evaluations.map((e: any) => e.suite.id).sort()).toEqual(['smoke-canny-32', 'smoke-canny-text-32']);
    const captioned = await metricsOf(r.body.evaluations[0].id);
    const fixed = await metricsOf(plain.body.evaluations.find((e: any) => e.suite.id === 'smoke-canny-text-32').id);
    expect(captioned.metrics.psnr).toBeGreaterThan(fixed.metrics.psnr! + 5);
    expect(captioned.metrics.clip_score).toBeGreaterThan(fixed.metrics.clip_score! + 40);
    expect(captioned.protocol.text).toMatchObject({ fed: 'captions' });
  }, 240_000);

  it('refuses with 400, storing nothing, a missing tokenizer and an encoder that does not fit the model; an editor that cannot read instructions is queued nowhere, saying why', async () => {
    const before = await storedFiles(stack);
    const noTokenizer = await submit(stack, stack.submitterToken, {
      file: buildRecolourEditor(true),
      manifest: named(exampleEditorManifest('x'), 'no-tokenizer'),
      text_encoder: editText.text_encoder,
    });
    expect(noTokenizer.status).toBe(400);
    expect(noTokenizer.body.message).toMatch(/send its tokenizer.json as multipart field "tokenizer"/);
    const misfit = await submit(stack, stack.submitterToken, {
      file: buildRecolourEditor(true),
      manifest: named(exampleEditorManifest('x'), 'misfit'),
      ...captionText,
    });
    expect(misfit.status).toBe(400);
    expect(misfit.body.message).toMatch(/does not fit the model/);
    expect(await storedFiles(stack)).toEqual(before);
    expect(await uploadLeftovers(stack)).toEqual([]);
    // An image-only model in the editing task is a valid model, but no editing suite can score it: it is
    // stored, queued nowhere, and told why (as any submission no suite can score).
    const blind = await submit(stack, stack.submitterToken, {
      file: buildChannelTranslator('identity'),
      manifest: { ...exampleTranslatorManifest(`${stack.owner}-blind`), task: 'image-editing' },
    });
    expect(blind.status).toBe(201);
    expect(blind.body.evaluations).toEqual([]);
    expect(blind.body.warnings).toContain(
      'not queued on smoke-edit-32 v1: smoke-edit-32 edits by instruction: the model needs inputs.context and a text_encoder to read the instructions',
    );
  });
});
