import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildExampleTextDenoiser,
  buildExampleTextEncoder,
  exampleSampleBatchManifest,
  exampleTextDenoiserManifest,
  exampleTokenizerJson,
  writeExampleSampleBatch,
} from '../../benchmarks/text-to-image/example-models.js';
import { attr, GraphBuilder } from '../../runner/src/onnx/graph-builder.js';
import { type TestStack, startStack, waitForEvaluation } from '../support/stack.js';
import { storedFiles, uploadLeftovers } from '../support/submissions.js';

type Parts = { file: Uint8Array; manifest: unknown; text_encoder?: Uint8Array; tokenizer?: Uint8Array };

async function submit(stack: TestStack, parts: Parts): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append('file', new Blob([parts.file]), 'model');
  if (parts.text_encoder) form.append('text_encoder', new Blob([parts.text_encoder]), 'text_encoder.onnx');
  if (parts.tokenizer) form.append('tokenizer', new Blob([parts.tokenizer]), 'tokenizer.json');
  form.append('manifest', JSON.stringify(parts.manifest));
  const res = await fetch(`${stack.baseUrl}/api/models`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${stack.submitterToken}` },
  });
  return { status: res.status, body: await res.json() };
}

const textEncoder = buildExampleTextEncoder();
const tokenizer = new TextEncoder().encode(exampleTokenizerJson());

/** Text-to-image through the API, the queue and a runner: the companion files, the checks at submission, the scores. */
describe('text-to-image submissions (smoke-t2i-32)', () => {
  let stack: TestStack;
  let dir: string;
  beforeAll(async () => {
    stack = await startStack();
    dir = await mkdtemp(join(tmpdir(), 't2i-int-'));
  });
  afterAll(async () => {
    await stack?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('scores a text-conditioned denoiser with its encoder and tokenizer, and a sample batch, on the text-to-image board', async () => {
    const d = await submit(stack, {
      file: buildExampleTextDenoiser(true),
      manifest: exampleTextDenoiserManifest(`${stack.owner}-t2i-d`),
      text_encoder: textEncoder,
      tokenizer,
    });
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    expect(d.body.evaluations.map((e: any) => e.suite.id)).toEqual(['smoke-t2i-32']);
    const npz = join(dir, 'samples.npz');
    await writeExampleSampleBatch(npz);
    const s = await submit(stack, { file: await readFile(npz), manifest: exampleSampleBatchManifest(`${stack.owner}-t2i-s`) });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    expect(s.body.evaluations.map((e: any) => e.suite.id)).toEqual(['smoke-t2i-32']);
    for (const id of [d.body.evaluations[0].id, s.body.evaluations[0].id]) {
      const { final } = await waitForEvaluation(stack, id, 120_000);
      expect(final.status, final.failureReason).toBe('succeeded');
      expect(final.metrics.clip_score).toBeGreaterThan(80);
    }
    const { final } = await waitForEvaluation(stack, d.body.evaluations[0].id);
    expect(final.provenance.protocol.text).toMatchObject({ unconditional: 'empty-prompt-encoding', tokenizerMaxLength: 16 });
  });

  it('refuses with 400, storing nothing, a tokenizer.json that does not load', async () => {
    const before = await storedFiles(stack);
    const r = await submit(stack, {
      file: buildExampleTextDenoiser(true),
      manifest: exampleTextDenoiserManifest(`${stack.owner}-bad-tok`),
      text_encoder: textEncoder,
      tokenizer: new TextEncoder().encode('{"model": {"type": "Nonsense"}}'),
    });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/tokenizer does not load/);
    expect(r.body.issues).toEqual([expect.objectContaining({ path: 'tokenizer' })]);
    expect(await storedFiles(stack)).toEqual(before);
    expect(await uploadLeftovers(stack)).toEqual([]);
  });

  it('refuses with 400 a text encoder whose output does not fit the denoiser context input, and a missing tokenizer', async () => {
    const g = new GraphBuilder({ name: 'wide-encoder' });
    g.input('input_ids', 'int64', ['batch', 16]);
    g.initializer('positions', BigInt64Array.from([2n, 3n, 6n]), [3]).initializer('table', new Float32Array(400 * 8), [400, 8]);
    g.node('Gather', ['input_ids', 'positions'], ['ids3'], { axis: attr.int(1) }).node('Gather', ['table', 'ids3'], ['context'], {
      axis: attr.int(0),
    });
    g.output('context', 'float32', ['batch', 3, 8]);
    const before = await storedFiles(stack);
    const r = await submit(stack, {
      file: buildExampleTextDenoiser(true),
      manifest: exampleTextDenoiserManifest(`${stack.owner}-wide`),
      text_encoder: g.toBytes(),
      tokenizer,
    });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/does not fit the denoiser/);
    const missing = await submit(stack, {
      file: buildExampleTextDenoiser(true),
      manifest: exampleTextDenoiserManifest(`${stack.owner}-no-tok`),
      text_encoder: textEncoder,
    });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/tokenizer/);
    expect(await storedFiles(stack)).toEqual(before);
  });

  it('refuses with 400 a sample batch whose count differs from the prompt list, and a prompt list that does not exist', async () => {
    const before = await storedFiles(stack);
    const npz = join(dir, 'short.npz');
    await writeExampleSampleBatch(npz, 223);
    const r = await submit(stack, { file: await readFile(npz), manifest: exampleSampleBatchManifest(`${stack.owner}-short`) });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/holds 223 images but smoke-t2i-32 publishes 224 prompts/);
    const none = await submit(stack, {
      file: await readFile(npz),
      manifest: { ...exampleSampleBatchManifest(`${stack.owner}-none`), prompts: 'no-such-suite' },
    });
    expect(none.status).toBe(400);
    expect(none.body.message).toMatch(/publishes no prompt list/);
    expect(await storedFiles(stack)).toEqual(before);
    expect(await uploadLeftovers(stack)).toEqual([]);
  });
});
