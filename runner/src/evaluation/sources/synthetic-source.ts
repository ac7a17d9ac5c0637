import { makeSyntheticImage } from '../../onnx/models/synthetic-images.js';
import type { ImageBatch } from './image-batch.js';

/** The smoke suites' reference set, generated image by image (image i depends only on seed and i). */
export function* syntheticBatches(opts: { n: number; seed: number; resolution: number; batchSize: number }): Generator<ImageBatch> {
  const per = opts.resolution * opts.resolution * 3;
  for (let start = 0; start < opts.n; start += opts.batchSize) {
    const count = Math.min(opts.batchSize, opts.n - start);
    const images = new Uint8Array(count * per);
    for (let k = 0; k < count; k++) images.set(makeSyntheticImage(start + k, opts.resolution, opts.seed), k * per);
    yield { start, count, resolution: opts.resolution, images };
  }
}
