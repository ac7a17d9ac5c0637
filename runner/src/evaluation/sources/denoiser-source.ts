import * as ort from 'onnxruntime-node';
import {
  type DenoiserManifest,
  denoiserOutputShape,
  denoiserSampleShape,
} from '../../../../contracts/manifest/denoiser-manifest.schemas.js';
import { DenoiserOutputError, PredictionConversionError, SamplingConfigError } from '../../../../contracts/sampling/errors.js';
import { classLabels } from '../../sampling/noise.js';
import type { NoiseSource } from '../../sampling/noise-pool.js';
import { toUint8Nhwc } from '../../sampling/quantize.js';
import { type Denoiser, type SamplingRecord, sample } from '../../sampling/samplers.js';
import { type SamplerParams, defaultSpacing, expectedNfe } from '../../../../contracts/sampling/sampler-plan.js';
import { Schedule } from '../../../../contracts/sampling/schedules.js';
import { describeSampler, samplerMismatch } from '../../../../contracts/suites/suite-fit.js';
import { ModelFailure } from '../model-failure.js';
import { firstNonFinite, runModel } from '../onnx-session.js';
import type { ClassifierGradientModel } from './classifier-gradient.js';
import type { ImageBatch } from './image-batch.js';
import type { LatentDecoder } from './latent-decoder.js';

/**
 * Samples a `denoiser` submission with the harness's own solvers (runner/src/sampling): sample i starts from
 * the noise keyed by (seed, i) and, for class-conditional models, gets the label keyed by (seed, i), so the
 * uint8 images do not depend on the batch size or the runner. Latent models are decoded after sampling.
 */

const TIME_TYPES = ['float32', 'float64', 'int64', 'int32'] as const;
type TimeType = (typeof TIME_TYPES)[number];

/** Where the sampler is, for messages that name the step and the sample. */
interface Position {
  /** Global index of each row of the batch. */
  indices: Int32Array;
  step: number;
  steps: number;
}

/**
 * The network call of the sampling core, backed by an onnxruntime session: feeds x_t as float32
 * [rows, ...shape] (no copy), the time input in the graph's own dtype ([rows] or a scalar) and class labels
 * as int64 or int32; refuses outputs of the wrong type or shape and non-finite values, naming step and sample.
 */
export class OnnxDenoiser {
  readonly timeType: TimeType;
  private readonly timeScalar: boolean;
  private readonly classType: 'int64' | 'int32';
  private readonly shape: readonly number[];
  /** One output row: the sample's shape, with 2C channels for learned variances. */
  private readonly outShape: readonly number[];
  private readonly perSample: number;
  position: Position = { indices: new Int32Array(0), step: 1, steps: 1 };

  constructor(
    private readonly session: ort.InferenceSession,
    private readonly manifest: DenoiserManifest,
    /** A text-conditioned model's `inputs.context` for the rows the sampler labels (see DenoiserSourceOptions.condition). */
    private readonly contextFeed?: (rows: Int32Array) => ort.Tensor,
    /** An image-conditioned model's `inputs.condition` for the rows the sampler labels, likewise. */
    private readonly conditionFeed?: (rows: Int32Array) => ort.Tensor,
  ) {
    const meta = (name: string) => session.inputMetadata.find((m) => m.name === name);
    for (const [role, name] of Object.entries(manifest.inputs)) {
      if (name !== undefined && !session.inputNames.includes(name)) {
        throw new ModelFailure(`the graph has no input named "${name}" for inputs.${role} (its inputs: ${session.inputNames.join(', ')})`);
      }
    }
    if (!session.outputNames.includes(manifest.outputs.prediction)) {
      throw new ModelFailure(
        `the graph has no output named "${manifest.outputs.prediction}" (its outputs: ${session.outputNames.join(', ')})`,
      );
    }
    const t = meta(manifest.inputs.t);
    const type = t?.isTensor ? t.type : 'unknown';
    if (!(TIME_TYPES as readonly string[]).includes(type)) {
      throw new ModelFailure(`time input "${manifest.inputs.t}" is ${type}; it must be float32, float64, int64 or int32`);
    }
    this.timeType = type as TimeType;
    this.timeScalar = t?.isTensor === true && t.shape.length === 0;
    const c = manifest.inputs.class ? meta(manifest.inputs.class) : undefined;
    this.classType = c?.isTensor && c.type === 'int32' ? 'int32' : 'int64';
    this.shape = denoiserSampleShape(manifest);
    this.outShape = denoiserOutputShape(manifest);
    this.perSample = this.outShape.reduce((a, b) => a * b, 1);
  }

  readonly denoise: Denoiser = async (xt, timeInput, classes) => {
    const rows = timeInput.length;
    const { inputs, outputs } = this.manifest;
    const feeds: Record<string, ort.Tensor> = {
      [inputs.x]: new ort.Tensor('float32', xt, [rows, ...this.shape]),
      [inputs.t]: this.timeTensor(timeInput),
    };
    if (inputs.class) {
      if (!classes) throw new SamplingConfigError('a class-conditional denoiser was called without class labels');
      feeds[inputs.class] =
        this.classType === 'int32'
          ? new ort.Tensor('int32', classes, [rows])
          : new ort.Tensor(
              'int64',
              BigInt64Array.from(classes, (v) => BigInt(v)),
              [rows],
            );
    }
    if (inputs.context) {
      if (!classes || !this.contextFeed) throw new SamplingConfigError('a text-conditioned denoiser was called without its context');
      feeds[inputs.context] = this.contextFeed(classes);
    }
    if (inputs.condition) {
      if (!classes || !this.conditionFeed) throw new SamplingConfigError('an image-conditioned denoiser was called without its condition');
      feeds[inputs.condition] = this.conditionFeed(classes);
    }
    const where = this.where();
    const out = await runModel(this.session, feeds, [outputs.prediction], where);
    const p = out[outputs.prediction]!;
    const want = [rows, ...this.outShape];
    if (p.type !== 'float32' || p.dims.length !== want.length || p.dims.some((d, i) => d !== want[i])) {
      throw new ModelFailure(
        `while ${where} the output "${outputs.prediction}" was ${p.type} [${p.dims.join(', ')}], expected float32 [${want.join(', ')}]`,
      );
    }
    const data = p.data as Float32Array;
    // The sampling core checks every value is finite (DenoiserOutputError); describeNonFinite() then names
    // the step and sample, so the hot path reads the output once, not twice.
    this.last = { data, timeInput };
    return data;
  };

  private last?: { data: Float32Array; timeInput: Float32Array };

  /** Why the last output was refused, naming step and sample; undefined when it was finite. */
  describeNonFinite(): string | undefined {
    if (!this.last) return undefined;
    const { data, timeInput } = this.last;
    const bad = firstNonFinite(data);
    if (bad < 0) return undefined;
    const row = Math.floor(bad / this.perSample);
    const n = this.position.indices.length;
    const guided =
      timeInput.length > n ? (row >= n ? ' (its unconditional row for classifier-free guidance)' : ' (its conditional row)') : '';
    return `the model produced ${String(data[bad])} at step ${this.position.step} of ${this.position.steps} (time input ${timeInput[row]}) for sample ${this.position.indices[row % n]}${guided}; outputs must be finite`;
  }

  private where(): string {
    const { indices, step, steps } = this.position;
    return `sampling step ${step} of ${steps} for samples ${indices[0]}–${indices[indices.length - 1]}`;
  }

  private timeTensor(t: Float32Array): ort.Tensor {
    const dims = this.timeScalar ? [] : [t.length];
    const values = this.timeScalar ? t.subarray(0, 1) : t;
    switch (this.timeType) {
      case 'float32':
        return new ort.Tensor('float32', values, dims);
      case 'float64':
        return new ort.Tensor('float64', Float64Array.from(values), dims);
      case 'int64':
        return new ort.Tensor(
          'int64',
          BigInt64Array.from(values, (v) => BigInt(v)),
          dims,
        );
      case 'int32':
        return new ort.Tensor('int32', Int32Array.from(values), dims);
    }
  }
}

export interface DenoiserSourceOptions {
  /** Samples [from, n) are drawn: a shard of a sharded evaluation starts past 0 (runner/src/sharding). */
  n: number;
  from?: number;
  seed: number;
  batchSize: number;
  sampler: SamplerParams;
  decoder?: LatentDecoder;
  /** The classifier of a classifier-guided model (manifest `classifier`). */
  classifier?: ClassifierGradientModel;
  /** Where the sampler's normals are drawn (noise-pool.ts); default: the main thread. Same values either way. */
  noise?: NoiseSource;
  /** Give every sample this class label instead of the one keyed by (seed, i) (`genbench sample --class`). */
  fixedClass?: number;
  /** Samples done so far (fractional within a batch), after every sampling step. */
  onSamplesDone?: (done: number) => void;
  /**
   * Conditioning other than class labels (text): called once per batch before sampling, it returns row labels
   * for the samples and the label of the unconditional row of classifier-free guidance, which the network's
   * `contextFeed` turns into its input.
   */
  condition?: (indices: Int32Array) => Promise<{ rows: Int32Array; nullRow: number }>;
}

/**
 * The rows a conditioned denoiser's extra input (a text context, an image condition) is gathered from, one
 * batch at a time: rows 0..k−1 are the batch's own (its prompts' encodings, its conditions) and row k is the
 * unconditional one of classifier-free guidance (the empty prompt's encoding, the zero condition). `feed` is
 * the OnnxDenoiser's contextFeed or conditionFeed: the rows the sampler labels, as float32 [rows, ...rowShape].
 */
export class GuidanceRows {
  private table = new Float32Array(0);
  private readonly rowSize: number;

  constructor(private readonly rowShape: readonly number[]) {
    this.rowSize = rowShape.reduce((a, b) => a * b, 1);
  }

  /** Holds the batch's k rows, then `unconditional` (zeros when absent), until the next batch. */
  load(batch: Float32Array, unconditional?: Float32Array): void {
    this.table = new Float32Array(batch.length + this.rowSize);
    this.table.set(batch, 0);
    if (unconditional) this.table.set(unconditional, batch.length);
  }

  readonly feed = (rows: Int32Array): ort.Tensor => {
    const size = this.rowSize;
    const out = new Float32Array(rows.length * size);
    rows.forEach((r, i) => out.set(this.table.subarray(r * size, (r + 1) * size), i * size));
    return new ort.Tensor('float32', out, [rows.length, ...this.rowShape]);
  };

  /** The sampler's labels for a batch of k loaded rows (DenoiserSourceOptions.condition). */
  static labels(k: number): { rows: Int32Array; nullRow: number } {
    return { rows: Int32Array.from({ length: k }, (_, i) => i), nullRow: k };
  }
}

/** What the denoiser source records in the protocol: the solver settings and the grid it walked. */
export interface DenoiserProtocol extends Omit<SamplingRecord, 'cfg'> {
  classifierFreeGuidance: boolean;
  latent?: { shape: number[]; scale_factor: number };
}

/** {@link samplerMismatch} as the runner's model failure. */
export function checkSamplerFits(manifest: DenoiserManifest, params: SamplerParams, timeType: TimeType): void {
  const why = samplerMismatch(manifest, params, timeType);
  if (why) throw new ModelFailure(`this suite's sampler (${describeSampler(params)}) cannot drive the model: ${why}`);
}

/** Samples `n` images in batches of `batchSize` (see the module comment); `protocol()` is set after the first batch. */
export class DenoiserSource {
  private record?: SamplingRecord;

  constructor(
    private readonly network: OnnxDenoiser,
    private readonly manifest: DenoiserManifest,
    private readonly opts: DenoiserSourceOptions,
  ) {
    checkSamplerFits(manifest, opts.sampler, network.timeType);
    if (
      opts.fixedClass !== undefined &&
      !(manifest.classes > 0 && Number.isInteger(opts.fixedClass) && opts.fixedClass >= 0 && opts.fixedClass < manifest.classes)
    ) {
      throw new SamplingConfigError(
        manifest.classes > 0
          ? `class ${opts.fixedClass} is not in [0, ${manifest.classes})`
          : 'a class label was given for an unconditional model',
      );
    }
  }

  protocol(): DenoiserProtocol {
    const { cfg, ...rest } = this.record ?? {
      ...this.opts.sampler,
      spacing: this.opts.sampler.spacing ?? defaultSpacing(this.opts.sampler.solver, Schedule.parse(this.manifest.schedule)),
      frame: null,
      times: [],
      timeInputs: [],
      nfe: expectedNfe(this.opts.sampler.solver, this.opts.sampler.steps),
      networkEvaluations: 0,
      cfg: this.opts.sampler.guidance !== 1,
    };
    return {
      ...rest,
      classifierFreeGuidance: cfg,
      ...(this.manifest.latent
        ? { latent: { shape: [...this.manifest.latent.shape], scale_factor: this.manifest.latent.scale_factor } }
        : {}),
    };
  }

  /**
   * Samples `count` images from sample index `start`: float32 NCHW [count, 3, R, R] in the model's output
   * range (decoded, for latent models), with their class labels.
   */
  async sampleRange(start: number, count: number): Promise<{ images: Float32Array; labels?: Int32Array }> {
    const { seed, sampler, decoder } = this.opts;
    const m = this.manifest;
    const indices = Int32Array.from({ length: count }, (_, k) => start + k);
    const labels =
      m.classes === 0
        ? undefined
        : this.opts.fixedClass !== undefined
          ? new Int32Array(count).fill(this.opts.fixedClass)
          : classLabels(seed, indices, m.classes);
    const condition = this.opts.condition ? await this.opts.condition(indices) : undefined;
    this.network.position = { indices, step: 1, steps: sampler.steps };
    let result;
    try {
      result = await sample({
        ...sampler,
        schedule: m.schedule,
        prediction: m.prediction,
        timeInput: m.time_input,
        shape: denoiserSampleShape(m),
        seed,
        indices,
        classes: condition ? condition.rows : labels,
        nullClass: condition ? condition.nullRow : m.null_class,
        denoise: this.network.denoise,
        learnedVariance: m.variance === 'learned-range',
        classifierGradient: this.opts.classifier?.gradient,
        noise: this.opts.noise,
        onStep: (e) => {
          this.network.position = { indices, step: Math.min(e.step + 1, e.steps), steps: e.steps };
          this.opts.onSamplesDone?.(start + (count * e.step) / e.steps);
        },
      });
    } catch (err) {
      if (err instanceof DenoiserOutputError) {
        const nonFinite = this.network.describeNonFinite();
        if (nonFinite) throw new ModelFailure(nonFinite, { cause: err });
      }
      if (err instanceof DenoiserOutputError || err instanceof PredictionConversionError) {
        throw new ModelFailure(`sampling samples ${start}–${start + count - 1} failed: ${err.message}`, { cause: err });
      }
      if (err instanceof SamplingConfigError)
        throw new ModelFailure(`this suite's sampler cannot drive the model: ${err.message}`, { cause: err });
      throw err;
    }
    this.record ??= result.record;
    return { images: decoder ? await decoder.decode(result.images, count, start) : result.images, labels };
  }

  /** Uint8 NHWC batches of `batchSize` samples, quantized as an ADM sample batch. */
  async *batches(): AsyncGenerator<ImageBatch> {
    const { n, batchSize, from = 0 } = this.opts;
    const R = this.manifest.resolution;
    const range = this.manifest.output_range[0] === -1 ? '[-1,1]' : '[0,1]';
    for (let start = from; start < n; start += batchSize) {
      const count = Math.min(batchSize, n - start);
      const { images, labels } = await this.sampleRange(start, count);
      yield { start, count, resolution: R, images: toUint8Nhwc(images, [count, 3, R, R], range), labels };
    }
  }
}
