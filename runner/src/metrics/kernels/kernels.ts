// The hot loops of the metrics behind one interface, with two implementations: onnxruntime's CPU kernels
// (MLAS GEMM fed small generated graphs; measured here ~60 GFLOP/s float64 and ~145 GFLOP/s float32 on two
// cores) and plain TypeScript loops, used when onnxruntime cannot be loaded and as a cross-check in tests.

export type BackendChoice = 'auto' | 'onnxruntime' | 'js';
export type BackendName = 'onnxruntime' | 'js';

/**
 * How pairwise squared distances are computed for precision/recall:
 * - `fp32`: float32 arithmetic, ‖u‖² + ‖v‖² − 2u·v clamped at 0, on features centred on the reference mean
 *   (distances are translation invariant; centring keeps the cancellation small).
 * - `adm-fp16`: emulates the ADM evaluator, which casts features to float16 and evaluates the same formula in
 *   float16 (products accumulated in float32), falling back to float32 on the raw features for every
 *   10,000 × 10,000 block that overflows. Emulated by rounding to float16 after each operation.
 */
export type DistancePrecision = 'fp32' | 'adm-fp16';

/** Pairwise squared distances D[i][j] between rows u_i and v_j, arranged as ADM arranges them. */
export interface DistanceTile {
  /** Row-major float32 features (rows × dim); in `adm-fp16` mode already rounded to float16 values. */
  u: Float32Array;
  v: Float32Array;
  rowsU: number;
  rowsV: number;
  dim: number;
  /** Squared norms of the rows (float32; float16 values in `adm-fp16` mode). */
  normU: Float32Array;
  normV: Float32Array;
  /** Round every intermediate to float16 (`adm-fp16` emulation). */
  fp16: boolean;
}

export interface KnnResult {
  /** The k smallest distances of each row of u, ascending: rowsU × k. */
  rows: Float32Array;
  /** The k smallest distances of each column (row of v), ascending: rowsV × k; only when asked for. */
  cols?: Float32Array;
  /** Some distance was not finite (float16 overflow). */
  nonFinite: boolean;
}

export interface MembershipResult {
  /** min over j of D[i][j] − radiusV[j]: row i of u lies in v's manifold iff ≤ 0. */
  rowMin: Float32Array;
  /** min over i of D[i][j] − radiusU[i]: row j of v lies in u's manifold iff ≤ 0. */
  colMin: Float32Array;
  nonFinite: boolean;
}

export interface Kernels {
  readonly name: BackendName;
  /**
   * The mean of a row-major float32 block X (rows × dim) and Σᵢ (xᵢ − mean)(xᵢ − mean)ᵀ, both in float64;
   * only the lower triangle (j ≤ i) of the row-major dim × dim result is defined.
   */
  centeredGram(x: Float32Array, rows: number, dim: number): Promise<{ mean: Float64Array; gram: Float64Array }>;
  /** alpha·A·Bᵀ + beta·C for row-major float64 A (m × k), B (n × k) and C (m × n; omitted: zero). */
  gemm64(
    a: Float64Array,
    m: number,
    k: number,
    b: Float64Array,
    n: number,
    alpha: number,
    beta: number,
    c?: Float64Array,
  ): Promise<Float64Array>;
  /** X Yᵀ for row-major float32 X (m × d) and Y (n × d): m × n, accumulated at least in float32. */
  dots(x: Float32Array, m: number, y: Float32Array, n: number, d: number): Promise<Float32Array>;
  /** The k smallest distances per row, and per column too when `alsoColumns`. Needs rowsU, rowsV ≥ k. */
  knn(tile: DistanceTile, k: number, alsoColumns: boolean): Promise<KnnResult>;
  membership(tile: DistanceTile, radiusU: Float32Array, radiusV: Float32Array): Promise<MembershipResult>;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

const ULP16 = Float64Array.from({ length: 160 }, (_, i) => 2 ** (i - 14 - 10));

/**
 * Rounds to float32 and then to the nearest float16 value (ties to even), as a cast float32 → float16 does;
 * returned as a number. Beyond the float16 range the result is ±Infinity.
 */
export function roundToFloat16(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  const exp = (bits >>> 23) & 0xff;
  if (exp === 0xff) return f32[0];
  const a = Math.abs(f32[0]);
  // Spacing of float16 values at this binade: 2^(e-10) for normals, 2^-24 below 2^-14.
  const e = Math.max(exp - 127, -14);
  if (e > 15) return bits >>> 31 ? -Infinity : Infinity;
  const ulp = ULP16[e + 14];
  const q = a / ulp;
  let r = Math.round(q);
  if (r - q === 0.5 && r % 2 === 1) r -= 1; // Math.round sends halves up; ties go to even
  const v = r * ulp > 65504 ? Infinity : r * ulp;
  return bits >>> 31 ? -v : v;
}
