// Denoisers that are wrong on purpose, for the harness's failure paths. Each passes the submission-time
// shape checks (a batch of 2) and misbehaves only when sampled; the crashing one at larger batches is refused
// by the submission's run at the suites' batch size, the late-crashing one only fails at evaluation.
import { GraphBuilder, attr } from '../../../runner/src/onnx/graph-builder.js';
import { buildGaussianDenoiser, type GaussianDenoiserGraphOptions } from '../../../runner/src/onnx/models/gaussian-denoiser.js';

/** Every output element is NaN (values are not judged at submission). */
export function buildNanDenoiser(options: Omit<GaussianDenoiserGraphOptions, 'nanOutput'>): Uint8Array {
  return buildGaussianDenoiser({ ...options, nanOutput: true });
}

interface PlainDenoiserOptions {
  /** One sample's shape [C, H, W]. */
  shape: readonly [number, number, number];
}

/**
 * `x_t` [N, C, H, W], `t` [N] → `out` = 0·x_t, except that a time input above `crashAbove` makes it Gather
 * out of range (an error inside onnxruntime): the submission's dry runs feed a mid-schedule noise level, so
 * it passes them at any batch size and crashes at the first, noisiest sampling step.
 */
export function buildLateCrashingDenoiser(options: PlainDenoiserOptions & { crashAbove: number }): Uint8Array {
  const [C, H, W] = options.shape;
  return new GraphBuilder({ name: 'late-crashing-denoiser' })
    .input('x_t', 'float32', ['batch', C, H, W])
    .input('t', 'float32', ['batch'])
    .initializer('table', new Float32Array([0, 0]), [2])
    .initializer('threshold', new Float32Array([options.crashAbove]), [])
    .initializer('five', new BigInt64Array([5n]), [])
    .initializer('zero', new Float32Array([0]), [])
    .initializer('column', new BigInt64Array([-1n, 1n, 1n, 1n]), [4])
    .node('Greater', ['t', 'threshold'], ['too_noisy'])
    .node('Cast', ['too_noisy'], ['too_noisy_i'], { to: attr.dataType('int64') })
    .node('Mul', ['too_noisy_i', 'five'], ['index'])
    .node('Gather', ['table', 'index'], ['picked'], { axis: attr.int(0) })
    .node('Reshape', ['picked', 'column'], ['picked_column'])
    .node('Mul', ['x_t', 'zero'], ['zeros'])
    .node('Add', ['zeros', 'picked_column'], ['out'])
    .output('out', 'float32', ['batch', C, H, W])
    .toBytes();
}

/**
 * `x_t` [N, C, H, W], `t` [N] → `out` = 0·x_t plus table[N − 1], where `table` holds 2 entries: fine for
 * the dry run's batch of 2, a Gather out of range (an error inside onnxruntime) for any larger batch.
 */
export function buildCrashingDenoiser(options: PlainDenoiserOptions): Uint8Array {
  const [C, H, W] = options.shape;
  return new GraphBuilder({ name: 'crashing-denoiser' })
    .input('x_t', 'float32', ['batch', C, H, W])
    .input('t', 'float32', ['batch'])
    .initializer('table', new Float32Array([0, 0]), [2])
    .initializer('zero', new Float32Array([0]), [])
    .initializer('one_i', new BigInt64Array([1n]), [1])
    .initializer('dim0', new BigInt64Array([0n]), [1])
    .node('Shape', ['x_t'], ['x_shape'])
    .node('Gather', ['x_shape', 'dim0'], ['batch_size'], { axis: attr.int(0) })
    .node('Sub', ['batch_size', 'one_i'], ['last'])
    .node('Gather', ['table', 'last'], ['picked'], { axis: attr.int(0) })
    .node('Mul', ['x_t', 'zero'], ['zeros'])
    .node('Add', ['zeros', 'picked'], ['out'])
    .output('out', 'float32', ['batch', C, H, W])
    .toBytes();
}

/**
 * `x_t` → `out` through `matmuls` chained products with a 32×32 permutation matrix: finite, cheap for the
 * dry run, and slow at evaluation batch sizes (about N·200k·matmuls floating-point operations per call).
 */
export function buildSlowDenoiser(options: PlainDenoiserOptions & { matmuls: number }): Uint8Array {
  const [C, H, W] = options.shape;
  if ((C * H * W) % 32 !== 0) throw new RangeError('C·H·W must be a multiple of 32');
  const perm = new Float32Array(32 * 32);
  for (let i = 0; i < 32; i++) perm[i * 32 + ((i * 7 + 3) % 32)] = 1;
  const g = new GraphBuilder({ name: 'slow-denoiser' })
    .input('x_t', 'float32', ['batch', C, H, W])
    .input('t', 'float32', ['batch'])
    .initializer('perm', perm, [32, 32])
    .initializer('rows', new BigInt64Array([-1n, 32n]), [2])
    .initializer('image', new BigInt64Array([-1n, BigInt(C), BigInt(H), BigInt(W)]), [4])
    .node('Reshape', ['x_t', 'rows'], ['h0']);
  for (let i = 0; i < options.matmuls; i++) g.node('MatMul', [`h${i}`, 'perm'], [`h${i + 1}`]);
  return g
    .node('Reshape', [`h${options.matmuls}`, 'image'], ['out'])
    .output('out', 'float32', ['batch', C, H, W])
    .toBytes();
}
