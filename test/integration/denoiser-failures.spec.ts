import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildExampleDenoiser,
  exampleDenoiserManifest,
  SMOKE_SCHEDULE,
  syntheticMeanImage,
} from '../../benchmarks/smoke/example-denoisers.js';
import {
  buildCrashingDenoiser,
  buildLateCrashingDenoiser,
  buildNanDenoiser,
  buildSlowDenoiser,
} from '../support/onnx-models/broken-denoisers.js';
import { type TestStack, startStack, submitModel, waitForEvaluation } from '../support/stack.js';

/** A per-evaluation limit (GENBENCH_EVAL_TIMEOUT_S on this runner) short enough for the slow model to hit it. */
const EVAL_TIMEOUT_S = 20;

/**
 * Broken denoisers that pass the submission dry run and misbehave only when sampled: each ends its evaluation
 * failed with a reason written for its author, on the first attempt, and the same runner then scores the
 * next submission.
 */
describe('denoisers that fail at evaluation time', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ runners: 0 });
    stack.startRunner({ evalTimeoutMs: EVAL_TIMEOUT_S * 1000 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('NaN outputs, an error inside the graph and a time-out each fail with their reason; the next job succeeds', async () => {
    const shape = [3, 32, 32] as const;
    const graph = {
      schedule: SMOKE_SCHEDULE,
      timeInput: 'sigma' as const,
      prediction: 'eps' as const,
      shape,
      mean: syntheticMeanImage(),
      std: 0.4,
    };
    const submissions = [
      { name: 'nan-denoiser', file: buildNanDenoiser(graph) },
      // Crashes above time input 100: the dry runs feed 3.42, the first of the 8 sampling steps 157.4.
      { name: 'crashing-denoiser', file: buildLateCrashingDenoiser({ shape, crashAbove: 100 }) },
      // ≈ 2000 chained 32×32 products per call: a fraction of a second at batch 2, seconds at batch 64.
      { name: 'slow-denoiser', file: buildSlowDenoiser({ shape, matmuls: 2000 }) },
      { name: 'healthy-denoiser', file: buildExampleDenoiser({ fit: 1, std: 0.4 }) },
    ];
    // Queued in this order on one runner with concurrency 1, so each job runs after the previous one failed.
    const ids: string[] = [];
    for (const s of submissions) {
      const r = await submitModel(stack, stack.submitterToken, s.file, exampleDenoiserManifest(s.name));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      ids.push(r.body.evaluations[0].id);
    }
    const [nan, crash, slow, healthy] = await Promise.all(ids.map((id) => waitForEvaluation(stack, id, 180_000)));

    expect(nan!.final.status).toBe('failed');
    expect(nan!.final.failureReason).toMatch(
      /^the model produced NaN at step 1 of 8 \(time input 157\.40\d*\) for sample 0; outputs must be finite$/,
    );
    expect(crash!.final.status).toBe('failed');
    expect(crash!.final.failureReason).toMatch(
      /^the model failed while sampling step 1 of 8 for samples 0–63: .*indices element out of data bounds/,
    );
    expect(slow!.final.status).toBe('failed');
    expect(slow!.final.failureReason).toBe(`the evaluation exceeded its time limit of ${EVAL_TIMEOUT_S} s and was stopped`);
    for (const { final } of [nan!, crash!, slow!]) {
      expect(final.attempts, final.failureReason).toBe(1); // a model's own failure is never retried
      expect(final.metrics).toEqual({});
    }

    expect(healthy!.final.status, healthy!.final.failureReason).toBe('succeeded');
    expect(Number.isFinite(healthy!.final.metrics.fid)).toBe(true);
    expect(healthy!.final.attempts).toBe(1);
  });

  it('a denoiser that crashes only at batches above 2 is refused at submission by the run at the suite’s batch size', async () => {
    const r = await submitModel(
      stack,
      stack.submitterToken,
      buildCrashingDenoiser({ shape: [3, 32, 32] }),
      exampleDenoiserManifest('batch-crash'),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.issues).toEqual([
      {
        path: 'file',
        message: expect.stringMatching(
          /^a dry run at batch size 64 \(the largest batch the matching suites run\) failed in the model: .*indices element out of data bounds/,
        ),
      },
    ]);
  });
});
