import { attr, GraphBuilder } from '../graph-builder.js';
import { normal } from '../../random/prng.js';
import { normalWeights, seededRng } from './seeded-weights.js';

export type OutputRange = readonly [-1, 1] | readonly [0, 1];

export interface TinyGeneratorOptions {
  readonly noiseDim: number;
  readonly resolution: number;
  /** Number of classes; 0 builds an unconditional generator with no `y` input. */
  readonly classes: number;
  readonly seed: number;
  /** Width of the hidden layer. Default 64. */
  readonly hidden?: number;
  /**
   * 1 (default): every hidden unit paints a smooth low-frequency colour pattern, so images are blurry colour
   * blobs. 0: per-pixel random weights, so images are coloured noise. In between, a mix: lower quality moves
   * the output distribution further from smooth images such as `makeSyntheticImages`.
   */
  readonly quality?: number;
  /** Multiply the output by NaN, for failure tests. */
  readonly nanOutput?: boolean;
  /** `[-1, 1]` (Tanh, default) or `[0, 1]` (Sigmoid). */
  readonly outputRange?: OutputRange;
  /**
   * For memory-limit tests: an intermediate of this many bytes per sample (an Expand of z's sum to
   * [batch, bytes / 4], averaged back and added × 0), so the model's memory grows with the batch size while
   * its images stay those of the same model without it. Default 0: none.
   */
  readonly scratchBytesPerSample?: number;
}

// Spatial frequencies of the smooth basis: cos(π·f·(x+½)/R) with f ≤ 2 has at most two half-waves
// across the image, i.e. blobs about a third of the image wide.
const MAX_FREQUENCY = 2;
const PATTERNS_PER_UNIT = 3;

/**
 * A two-layer MLP generator: `z` float32 [batch, noiseDim] (and `y` int64 [batch] when classes > 0) →
 * `images` float32 [batch, 3, resolution, resolution]. Weights are a deterministic function of the options.
 */
export function buildTinyGenerator(options: TinyGeneratorOptions): Uint8Array {
  const { noiseDim, resolution, classes, seed } = options;
  const hidden = options.hidden ?? 64;
  const quality = options.quality ?? 1;
  const range = options.outputRange ?? [-1, 1];
  checkPositiveInteger('noiseDim', noiseDim);
  checkPositiveInteger('resolution', resolution);
  checkPositiveInteger('hidden', hidden);
  if (!Number.isInteger(classes) || classes < 0) throw new RangeError(`classes must be an integer ≥ 0, got ${classes}`);
  if (!(quality >= 0 && quality <= 1)) throw new RangeError(`quality must be in [0, 1], got ${quality}`);

  const pixels = 3 * resolution * resolution;
  const g = new GraphBuilder({ name: 'tiny-generator' });
  g.input('z', 'float32', ['batch', noiseDim]);
  if (classes > 0) g.input('y', 'int64', ['batch']);

  g.initializer('w1', normalWeights(seed, 'w1', noiseDim * hidden, 1 / Math.sqrt(noiseDim)), [noiseDim, hidden]);
  g.initializer('b1', normalWeights(seed, 'b1', hidden, 0.1), [hidden]);
  g.node('MatMul', ['z', 'w1'], ['h_mm']).node('Add', ['h_mm', 'b1'], ['h_pre']);
  let preActivation = 'h_pre';
  if (classes > 0) {
    g.initializer('class_embedding', normalWeights(seed, 'class_embedding', classes * hidden), [classes, hidden]);
    g.node('Gather', ['class_embedding', 'y'], ['h_class']).node('Add', ['h_pre', 'h_class'], ['h_cond']);
    preActivation = 'h_cond';
  }
  // Tanh rather than Relu: an odd activation has no mean, so no seed-specific "mean image" dominates the output.
  g.node('Tanh', [preActivation], ['h']);

  // E[tanh(h)²] for h ~ N(0, 1) (z only) or N(0, 2) (z plus the class embedding).
  const hiddenPower = classes > 0 ? 0.5 : 0.4;
  g.initializer('w2', secondLayerWeights(seed, hidden, hiddenPower, resolution, quality), [hidden, pixels]);
  g.initializer('b2', channelBias(seed, resolution), [pixels]);
  g.node('MatMul', ['h', 'w2'], ['o_mm']).node('Add', ['o_mm', 'b2'], ['o_pre']);
  g.node(range[0] === 0 ? 'Sigmoid' : 'Tanh', ['o_pre'], ['o_flat']);

  let flat = 'o_flat';
  const scratch = Math.floor((options.scratchBytesPerSample ?? 0) / 4);
  if (scratch > 0) {
    g.initializer('scratch_axes', new BigInt64Array([1n]), [1]);
    g.initializer('scratch_shape', new BigInt64Array([1n, BigInt(scratch)]), [2]);
    g.initializer('zero', new Float32Array([0]), [1]);
    g.node('ReduceSum', ['z', 'scratch_axes'], ['z_sum'], { keepdims: attr.int(1) });
    g.node('Expand', ['z_sum', 'scratch_shape'], ['scratch']);
    g.node('ReduceMean', ['scratch'], ['scratch_mean'], { axes: attr.ints([1]), keepdims: attr.int(1) });
    g.node('Mul', ['scratch_mean', 'zero'], ['scratch_zero']).node('Add', [flat, 'scratch_zero'], ['o_scratch']);
    flat = 'o_scratch';
  }
  if (options.nanOutput) {
    g.initializer('nan', new Float32Array([Number.NaN]), [1]);
    g.node('Mul', ['o_flat', 'nan'], ['o_nan']);
    flat = 'o_nan';
  }
  g.initializer('image_shape', new BigInt64Array([-1n, 3n, BigInt(resolution), BigInt(resolution)]), [4]);
  g.node('Reshape', [flat, 'image_shape'], ['images']);
  g.output('images', 'float32', ['batch', 3, resolution, resolution]);
  return g.toBytes();
}

/**
 * [hidden, 3·R·R], row k = what hidden unit k paints: quality·(a unit-RMS low-frequency pattern tinted by a
 * random colour) + (1 − quality)·(per-pixel noise). Scaled so the pre-activation has roughly unit variance.
 */
function secondLayerWeights(seed: number, hidden: number, hiddenPower: number, resolution: number, quality: number): Float32Array {
  const plane = resolution * resolution;
  const out = new Float32Array(hidden * 3 * plane);
  const scale = 1 / Math.sqrt(hidden * hiddenPower);
  const rng = seededRng(seed, 'w2_basis');
  const noise = quality < 1 ? normalWeights(seed, 'w2_noise', out.length) : undefined;
  const pattern = new Float32Array(plane);
  const cosX = new Float32Array(resolution);
  const cosY = new Float32Array(resolution);

  for (let k = 0; k < hidden; k++) {
    pattern.fill(0);
    for (let p = 0; p < PATTERNS_PER_UNIT; p++) {
      const fx = Math.floor(rng() * (MAX_FREQUENCY + 1));
      const fy = Math.floor(rng() * (MAX_FREQUENCY + 1));
      const phaseX = rng() * Math.PI;
      const phaseY = rng() * Math.PI;
      const amplitude = normal(rng);
      for (let i = 0; i < resolution; i++) {
        cosX[i] = Math.cos((Math.PI * fx * (i + 0.5)) / resolution + phaseX);
        cosY[i] = Math.cos((Math.PI * fy * (i + 0.5)) / resolution + phaseY);
      }
      for (let y = 0; y < resolution; y++) {
        for (let x = 0; x < resolution; x++) pattern[y * resolution + x] += amplitude * cosY[y] * cosX[x];
      }
    }
    let sumSquares = 0;
    for (const v of pattern) sumSquares += v * v;
    const rms = Math.sqrt(sumSquares / plane) || 1;
    const colour = [normal(rng), normal(rng), normal(rng)];

    for (let c = 0; c < 3; c++) {
      const rowOffset = k * 3 * plane + c * plane;
      for (let i = 0; i < plane; i++) {
        const smooth = (colour[c] * pattern[i]) / rms;
        const mixed = noise ? quality * smooth + (1 - quality) * noise[rowOffset + i] : smooth;
        out[rowOffset + i] = scale * mixed;
      }
    }
  }
  return out;
}

/** A background colour: one random bias per channel, constant over the image. */
function channelBias(seed: number, resolution: number): Float32Array {
  const plane = resolution * resolution;
  const perChannel = normalWeights(seed, 'b2', 3, 0.1);
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) out.fill(perChannel[c], c * plane, (c + 1) * plane);
  return out;
}

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
}
