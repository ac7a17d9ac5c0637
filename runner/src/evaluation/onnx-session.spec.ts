import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSlowDenoiser } from '../../../test/support/onnx-models/broken-denoisers.js';
import { observeModelRuns, runModel } from './onnx-session.js';

describe('runModel: the batch size the memory watchdog names', () => {
  afterEach(() => observeModelRuns(undefined));

  it('tells the observer the leading dimension of the feeds before each run', async () => {
    const session = await ort.InferenceSession.create(buildSlowDenoiser({ shape: [3, 8, 8], matmuls: 1 }));
    const seen: number[] = [];
    observeModelRuns((size) => seen.push(size));
    for (const n of [5, 128]) {
      const x = new ort.Tensor('float32', new Float32Array(n * 192), [n, 3, 8, 8]);
      await runModel(session, { x_t: x, t: new ort.Tensor('float32', new Float32Array(n), [n]) }, ['out'], 'testing');
    }
    expect(seen).toEqual([5, 128]);
    await session.release();
  });
});
