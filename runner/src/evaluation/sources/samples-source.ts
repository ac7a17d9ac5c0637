import { ArrayFileError, type NpzReader, openNpz } from '../../io/npz.js';
import type { NdArray } from '../../io/npy.js';
import { checkSampleBatch } from '../../inspect/inspect-samples.js';
import type { SamplesManifest } from '../../../../contracts/manifest/samples-manifest.schemas.js';
import { ModelFailure } from '../model-failure.js';
import type { ImageBatch } from './image-batch.js';

/**
 * An uploaded sample batch: the first `n` images of `arr_0` (and labels of `arr_1`), streamed in chunks of
 * `batchSize` rows; the file is never held in memory whole.
 */
export class SamplesSource {
  private constructor(
    private readonly reader: NpzReader,
    private readonly manifest: SamplesManifest,
    private readonly opts: { n: number; batchSize: number },
    private readonly available: number,
    private readonly hasLabels: boolean,
  ) {}

  static async open(path: string, manifest: SamplesManifest, opts: { n: number; batchSize: number }): Promise<SamplesSource> {
    let reader: NpzReader;
    try {
      reader = await openNpz(path);
    } catch (err) {
      if (err instanceof ArrayFileError) throw new ModelFailure(`the sample batch cannot be read: ${err.problem}`, { cause: err });
      throw err;
    }
    const layout = checkSampleBatch(reader, manifest);
    if ('problem' in layout) {
      await reader.close();
      throw new ModelFailure(layout.problem);
    }
    if (layout.count < opts.n) {
      await reader.close();
      throw new ModelFailure(`the sample batch holds ${layout.count} images; this suite scores ${opts.n}`);
    }
    return new SamplesSource(reader, manifest, opts, layout.count, layout.labels);
  }

  protocol(): Record<string, unknown> {
    return { source: 'uploaded sample batch', imagesInBatch: this.available, imagesScored: this.opts.n, labels: this.hasLabels };
  }

  async *batches(): AsyncGenerator<ImageBatch> {
    const { n, batchSize } = this.opts;
    const R = this.manifest.resolution;
    const labelRows = this.hasLabels ? this.reader.rows('arr_1', { batchRows: batchSize, end: n }) : undefined;
    let start = 0;
    try {
      for await (const chunk of this.reader.rows('arr_0', { batchRows: batchSize, end: n })) {
        const count = chunk.shape[0]!;
        let labels: Int32Array | undefined;
        if (labelRows) {
          const next = await labelRows.next();
          if (next.done) throw new ModelFailure('arr_1 ended before arr_0');
          labels = this.toLabels(next.value, start);
        }
        yield { start, count, resolution: R, images: chunk.data as Uint8Array, labels };
        start += count;
      }
    } catch (err) {
      if (err instanceof ArrayFileError) throw new ModelFailure(`the sample batch cannot be read: ${err.problem}`, { cause: err });
      throw err;
    }
  }

  private toLabels(chunk: NdArray, start: number): Int32Array {
    const out = new Int32Array(chunk.data.length);
    const K = this.manifest.classes;
    for (let i = 0; i < out.length; i++) {
      const v = Number(chunk.data[i]!);
      if (!(v >= 0 && v < K)) throw new ModelFailure(`arr_1[${start + i}] is ${v}; labels must lie in [0, ${K})`);
      out[i] = v;
    }
    return out;
  }

  async close(): Promise<void> {
    await this.reader.close();
  }
}
