import * as ort from 'onnxruntime-node';
import {
  type ClassifierSpec,
  type DenoiserManifest,
  denoiserSampleShape,
} from '../../../../contracts/manifest/denoiser-manifest.schemas.js';
import type { ClassifierGradient } from '../../sampling/samplers.js';
import { ModelFailure } from '../model-failure.js';
import { type ExecutionProvider, firstNonFinite, openSession, runModel } from '../onnx-session.js';

/**
 * The second graph of a classifier-guided denoiser submission (ADM-G): (x_t, time input, class) →
 * ∇ₓ log p(y | x_t, t), float32 shaped like x_t. It is fed exactly what the denoiser is fed at the same step —
 * x_t, the time input in the graph's own dtype ([N] or a scalar), the labels as int64 or int32 — and the
 * sampler applies the suite's scale (samplers.ts, ancestral.ts).
 */
export class ClassifierGradientModel {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly spec: ClassifierSpec,
    private readonly shape: readonly number[],
    readonly executionProvider: ExecutionProvider,
    readonly warnings: string[],
  ) {}

  static async open(bytes: Uint8Array, manifest: DenoiserManifest, ep: ExecutionProvider = 'cpu'): Promise<ClassifierGradientModel> {
    const spec = manifest.classifier!;
    let opened;
    try {
      opened = await openSession(bytes, ep);
    } catch (err) {
      if (err instanceof ModelFailure) throw new ModelFailure(`the classifier: ${err.message}`, { cause: err });
      throw err;
    }
    const { session } = opened;
    const missing = Object.values(spec.inputs).filter((name) => !session.inputNames.includes(name));
    if (missing.length > 0 || !session.outputNames.includes(spec.outputs.gradient)) {
      await session.release();
      throw new ModelFailure(
        `the classifier lacks ${missing.length > 0 ? `input(s) ${missing.join(', ')}` : `output "${spec.outputs.gradient}"`} (inputs: ${session.inputNames.join(', ')}; outputs: ${session.outputNames.join(', ')})`,
      );
    }
    return new ClassifierGradientModel(
      session,
      spec,
      denoiserSampleShape(manifest),
      opened.executionProvider,
      opened.warnings.map((w) => `classifier: ${w}`),
    );
  }

  private meta(name: string): ort.InferenceSession.ValueMetadata | undefined {
    return this.session.inputMetadata.find((m) => m.name === name);
  }

  readonly gradient: ClassifierGradient = async (xt, timeInput, classes) => {
    const rows = timeInput.length;
    const { inputs, outputs } = this.spec;
    const feeds: Record<string, ort.Tensor> = {
      [inputs.x]: new ort.Tensor('float32', xt, [rows, ...this.shape]),
      [inputs.t]: classifierTimeTensor(this.meta(inputs.t), timeInput),
      [inputs.class]: labelTensor(this.meta(inputs.class), classes),
    };
    const where = `computing the classifier gradient at time input ${timeInput[0]}`;
    const out = await runModel(this.session, feeds, [outputs.gradient], where);
    const g = out[outputs.gradient]!;
    const want = [rows, ...this.shape];
    if (g.type !== 'float32' || g.dims.length !== want.length || g.dims.some((d, i) => d !== want[i])) {
      throw new ModelFailure(
        `while ${where} the classifier's output "${outputs.gradient}" was ${g.type} [${g.dims.join(', ')}], expected float32 [${want.join(', ')}]`,
      );
    }
    const data = g.data as Float32Array;
    const bad = firstNonFinite(data);
    if (bad >= 0) throw new ModelFailure(`the classifier produced ${String(data[bad])} while ${where}; gradients must be finite`);
    return data;
  };

  async close(): Promise<void> {
    await this.session.release();
  }
}

/** The time input in the graph's own dtype: float32, float64, int64 or int32, [N] or a scalar. */
export function classifierTimeTensor(meta: ort.InferenceSession.ValueMetadata | undefined, t: Float32Array): ort.Tensor {
  const scalar = meta?.isTensor === true && meta.shape.length === 0;
  const dims = scalar ? [] : [t.length];
  const values = scalar ? t.subarray(0, 1) : t;
  switch (meta?.isTensor ? meta.type : 'float32') {
    case 'float64':
      return new ort.Tensor('float64', Float64Array.from(values), dims);
    case 'int64':
      return new ort.Tensor(
        'int64',
        BigInt64Array.from(values, (v) => BigInt(Math.round(v))),
        dims,
      );
    case 'int32':
      return new ort.Tensor('int32', Int32Array.from(values, Math.round), dims);
    default:
      return new ort.Tensor('float32', values, dims);
  }
}

/** Class labels as int32 where the graph declares int32, else int64. */
export function labelTensor(meta: ort.InferenceSession.ValueMetadata | undefined, classes: Int32Array): ort.Tensor {
  if (meta?.isTensor && meta.type === 'int32') return new ort.Tensor('int32', classes, [classes.length]);
  return new ort.Tensor(
    'int64',
    BigInt64Array.from(classes, (v) => BigInt(v)),
    [classes.length],
  );
}
