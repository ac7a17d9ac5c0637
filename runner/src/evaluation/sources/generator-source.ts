import * as ort from 'onnxruntime-node';
import type { GeneratorManifest } from '../../../../contracts/manifest/manifest.schemas.js';
import { toUint8Nhwc } from '../../sampling/quantize.js';
import { batchNormals, classLabels } from '../../sampling/noise.js';
import { ModelFailure } from '../model-failure.js';
import { firstNonFinite, runModel } from '../onnx-session.js';
import type { ImageBatch } from './image-batch.js';

/**
 * Samples a one-step generator: sample i gets noise z_i and (class-conditional models) label y_i from the
 * counter-based generator keyed by (seed, i), so the images do not depend on batch size or runner.
 */
export async function* generatorBatches(
  session: ort.InferenceSession,
  manifest: GeneratorManifest,
  opts: { n: number; seed: number; batchSize: number; from?: number },
): AsyncGenerator<ImageBatch> {
  const res = manifest.resolution;
  const classInput = manifest.inputs.class ? session.inputMetadata.find((m) => m.name === manifest.inputs.class) : undefined;
  const classType = classInput && classInput.isTensor && classInput.type === 'int32' ? 'int32' : 'int64';
  // A shard of a sharded evaluation draws samples [from, n) only (runner/src/sharding).
  for (let start = opts.from ?? 0; start < opts.n; start += opts.batchSize) {
    const count = Math.min(opts.batchSize, opts.n - start);
    const indices = Array.from({ length: count }, (_, k) => start + k);
    const z = batchNormals(opts.seed, indices, manifest.noise_dim, 0);
    const feeds: Record<string, ort.Tensor> = { [manifest.inputs.noise]: new ort.Tensor('float32', z, [count, manifest.noise_dim]) };
    let labels: Int32Array | undefined;
    if (manifest.inputs.class) {
      labels = classLabels(opts.seed, indices, manifest.classes);
      feeds[manifest.inputs.class] =
        classType === 'int32'
          ? new ort.Tensor('int32', labels, [count])
          : new ort.Tensor(
              'int64',
              BigInt64Array.from(labels, (v) => BigInt(v)),
              [count],
            );
    }
    const out = await runModel(session, feeds, [manifest.outputs.images], `generating samples ${start}–${start + count - 1}`);
    const t = out[manifest.outputs.images]!;
    const want = [count, 3, res, res];
    if (t.type !== 'float32' || t.dims.length !== 4 || t.dims.some((d, i) => d !== want[i])) {
      throw new ModelFailure(
        `for a batch of ${count} the output "${manifest.outputs.images}" was ${t.type} [${t.dims.join(', ')}], expected float32 [${want.join(', ')}]`,
      );
    }
    const data = t.data as Float32Array;
    const bad = firstNonFinite(data);
    if (bad >= 0) {
      const sample = start + Math.floor(bad / (3 * res * res));
      throw new ModelFailure(
        `the model produced ${String(data[bad])} in its output for sample ${sample} (seed ${opts.seed}); outputs must be finite`,
      );
    }
    yield {
      start,
      count,
      resolution: res,
      images: toUint8Nhwc(data, [count, 3, res, res], manifest.output_range[0] === -1 ? '[-1,1]' : '[0,1]'),
      labels,
    };
  }
}
