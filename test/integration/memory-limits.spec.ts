import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleManifest } from '../../benchmarks/smoke/example-models.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { getJson, type TestStack, startStack, submitModel, waitForEvaluation } from '../support/stack.js';

const MIB = 1024 ** 2;
/** The child memory limit of these tests; an evaluation child running the plain tiny generator peaks near 190 MiB. */
const LIMIT = 512 * MIB;

/**
 * A tiny generator with a 12 MiB intermediate per sample: 24 MiB at the batch-2 shape check, 768 MiB at the
 * smoke suite's batch of 64 — past the limit only at the batch the suite really runs.
 */
const hungry = () => buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 1, scratchBytesPerSample: 12 * MIB });
const modest = () => buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 2 });

describe('memory limit per child (GENBENCH_CHILD_MEMORY_LIMIT_GIB), measured from the child’s RSS', () => {
  describe('at submission: the inspection runs one batch at the suites’ batch size under the limit', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startStack({ runners: 0, config: { childMemoryLimitBytes: LIMIT } });
    });
    afterAll(async () => {
      await stack?.close();
    });

    it('refuses a model whose memory grows past the limit at the batch size the suite runs, and stores nothing', async () => {
      const r = await submitModel(stack, stack.submitterToken, hungry(), exampleManifest(`hungry-${stack.owner}`));
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      const problem = `the model exceeded the memory limit of 0.5 GiB at batch size 64`;
      expect(r.body.message).toContain(problem);
      expect(r.body.issues).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: 'file', message: expect.stringContaining(problem) })]),
      );
      const models = await getJson(stack, `/api/models?owner=${stack.owner}`);
      expect(models.total).toBe(0);

      const ok = await submitModel(stack, stack.submitterToken, modest(), exampleManifest(`modest-${stack.owner}`));
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    });
  });

  describe('at evaluation: a runner whose limit is below the API’s stops the model, as the model’s failure', () => {
    let stack: TestStack;
    beforeAll(async () => {
      // An API machine that allows more than the runners (limits are per machine), so the model gets that far.
      stack = await startStack({ runners: 0, config: { childMemoryLimitBytes: 4 * LIMIT } });
      stack.startRunner({ childMemoryLimitBytes: LIMIT });
    });
    afterAll(async () => {
      await stack?.close();
    });

    it('fails the hungry model with the limit and batch size, on its first attempt; a model under the limit is scored', async () => {
      const ids: string[] = [];
      for (const [name, file] of [
        [`hungry-${stack.owner}`, hungry()],
        [`modest-${stack.owner}`, modest()],
      ] as const) {
        const r = await submitModel(stack, stack.submitterToken, file, exampleManifest(name));
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        ids.push(r.body.evaluations[0].id);
      }
      const [failed, scored] = await Promise.all(ids.map((id) => waitForEvaluation(stack, id, 240_000)));
      expect(failed!.final.status).toBe('failed');
      expect(failed!.final.failureReason).toMatch(
        /^the model exceeded the memory limit of 0\.5 GiB at batch size 64: its process reached 0\.\d+ GiB of resident memory and was stopped/,
      );
      expect(failed!.final.attempts).toBe(1);
      expect(scored!.final.status, scored!.final.failureReason).toBe('succeeded');
    }, 300_000); // two uploads run at batch 64 and two evaluations: minutes on a busy 2-core machine
  });
});
