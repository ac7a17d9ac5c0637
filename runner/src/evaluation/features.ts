import * as ort from 'onnxruntime-node';
import { buildTinyExtractor } from '../onnx/models/tiny-extractor.js';
import type { SuiteDefinition } from '../suites/suite.schemas.js';
import { type ExecutionProvider, openSession } from './onnx-session.js';

export type Normalization = 'adm' | 'minus-one-one' | 'imagenet';

/** Features of one batch, row-major: pool [n, poolDim], spatial [n, spatialDim] (ADM layout), logits [n, logitsDim]. */
export interface FeatureBatch {
  count: number;
  pool: Float32Array;
  poolDim: number;
  spatial?: Float32Array;
  spatialDim?: number;
  logits?: Float32Array;
  logitsDim?: number;
}

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

/**
 * uint8 NHWC → float32 NCHW with the protocol's normalization: `adm` (x − 128)/128 as the ADM/TTUR
 * Inception graph does internally, `minus-one-one` x/127.5 − 1, `imagenet` ((x/255) − mean)/std.
 */
export function normalizeNhwc(images: Uint8Array, count: number, size: number, how: Normalization): Float32Array {
  const plane = size * size;
  const out = new Float32Array(count * 3 * plane);
  for (let n = 0; n < count; n++) {
    const src = n * plane * 3;
    const dst = n * plane * 3;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) {
        const x = images[src + p * 3 + c]!;
        out[dst + c * plane + p] =
          how === 'adm' ? (x - 128) / 128 : how === 'minus-one-one' ? x / 127.5 - 1 : (x / 255 - IMAGENET_MEAN[c]!) / IMAGENET_STD[c]!;
      }
    }
  }
  return out;
}

/**
 * ADM's sFID features: the first 7 channels of the spatial map [n, C, h, w], flattened in (h, w, c) order
 * (evaluator.py takes `mixed_6/conv[..., :7]` of an NHWC tensor). ADM's reference mu_s/sigma_s were
 * computed in that order; any other order silently breaks sFID.
 */
export function admSpatialFeatures(spatial: Float32Array, count: number, channels: number, h: number, w: number, keep = 7): Float32Array {
  const k = Math.min(keep, channels);
  const dim = h * w * k;
  const out = new Float32Array(count * dim);
  for (let n = 0; n < count; n++) {
    const src = n * channels * h * w;
    let o = n * dim;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < k; c++) out[o++] = spatial[src + c * h * w + y * w + x]!;
  }
  return out;
}

/** Runs a suite's feature extractor over uint8 image batches. */
export class FeatureExtractor {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly inputSize: number,
    private readonly normalization: Normalization,
    private readonly names: { images: string; pool: string; spatial?: string; logits?: string },
    readonly executionProvider: ExecutionProvider,
  ) {}

  static async open(def: SuiteDefinition['extractor'], ep: ExecutionProvider = 'cpu'): Promise<FeatureExtractor> {
    if (def.type === 'builtin-tiny-conv') {
      const bytes = buildTinyExtractor({ inputSize: def.input_size, seed: def.seed });
      const { session, executionProvider } = await openSession(bytes, ep);
      return new FeatureExtractor(session, def.input_size, def.normalization, { images: 'images', pool: 'pool', spatial: 'spatial', logits: 'logits' }, executionProvider);
    }
    throw new Error(`extractor type ${def.type} needs the resizing protocols (${def.preprocessing}), which this runner does not have yet`);
  }

  async extract(images: Uint8Array, count: number, size: number): Promise<FeatureBatch> {
    if (size !== this.inputSize) {
      throw new Error(`images are ${size}×${size} but the extractor takes ${this.inputSize}×${this.inputSize}, and this runner cannot resize yet`);
    }
    const input = normalizeNhwc(images, count, size, this.normalization);
    const fetches = [this.names.pool, this.names.spatial, this.names.logits].filter((x): x is string => !!x);
    const out = await this.session.run({ [this.names.images]: new ort.Tensor('float32', input, [count, 3, size, size]) }, fetches);
    const pool = out[this.names.pool]!;
    const batch: FeatureBatch = { count, pool: pool.data as Float32Array, poolDim: pool.dims[1]! };
    if (this.names.spatial && out[this.names.spatial]) {
      const s = out[this.names.spatial]!;
      const [, c, h, w] = s.dims as number[];
      batch.spatial = admSpatialFeatures(s.data as Float32Array, count, c!, h!, w!);
      batch.spatialDim = Math.min(7, c!) * h! * w!;
    }
    if (this.names.logits && out[this.names.logits]) {
      const l = out[this.names.logits]!;
      batch.logits = l.data as Float32Array;
      batch.logitsDim = l.dims[1]!;
    }
    return batch;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
