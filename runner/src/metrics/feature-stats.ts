// Feature mean and covariance as numpy computes them for FID (np.mean(axis=0), np.cov(rowvar=False), i.e.
// ddof = 1), accumulated in float64 over fixed blocks of rows: each block is centred on its own mean and
// merged with Chan, Golub & LeVeque's pairwise update (1979), so nothing drifts with the sample count and
// the result does not depend on how the caller batches its rows.

import { getKernels } from './kernels/get-kernels.js';
import type { BackendChoice, BackendName, Kernels } from './kernels/kernels.js';
import { MetricInputError } from './metric-input-error.js';

/** Mean and covariance (ddof = 1) of n feature vectors; `sigma` is row-major dim × dim, symmetric. */
export interface FeatureStats {
  mu: Float64Array;
  sigma: Float64Array;
  n: number;
}

export interface FeatureStatsOptions {
  backend?: BackendChoice;
  /** Rows per block handed to the kernel. Fixed per accumulator, so results do not depend on add() sizes. */
  blockRows?: number;
}

/** Rows per block unless a caller asks otherwise; sharded evaluations (runner/src/sharding) align to it. */
export const DEFAULT_BLOCK_ROWS = 4096;

/**
 * One block's contribution: its row count, float64 mean and centred Gram matrix Σ (x − mean)(x − mean)ᵀ,
 * lower triangle packed row by row (element (i, j), j ≤ i, at i(i+1)/2 + j), as the kernel computed it.
 */
export interface CenteredBlock {
  rows: number;
  mean: Float64Array;
  gram: Float64Array;
}

/** Packs the lower triangle of a row-major dim × dim matrix (the half the pairwise merge reads). */
export function packLower(full: Float64Array, dim: number): Float64Array {
  const out = new Float64Array((dim * (dim + 1)) / 2);
  let k = 0;
  for (let i = 0; i < dim; i++) for (let j = 0; j <= i; j++) out[k++] = full[i * dim + j]!;
  return out;
}

/** Streams feature rows in any batch sizes; `finalize()` gives the mean and the ddof = 1 covariance. */
export class FeatureStatsAccumulator {
  private readonly block: Float32Array;
  readonly blockRows: number;
  private filled = 0;
  private count = 0;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;
  private kernels?: Kernels;

  constructor(
    readonly dim: number,
    private readonly options: FeatureStatsOptions = {},
  ) {
    if (!Number.isSafeInteger(dim) || dim < 1) throw new MetricInputError(`feature dimension must be a positive integer, got ${dim}`);
    this.blockRows = options.blockRows ?? DEFAULT_BLOCK_ROWS;
    this.block = new Float32Array(this.blockRows * dim);
    this.mean = new Float64Array(dim);
    this.m2 = new Float64Array(dim * dim);
  }

  /** Rows added so far. */
  get n(): number {
    return this.count + this.filled;
  }

  /** The backend that did the work (known after the first full block or finalize()). */
  get backend(): BackendName | undefined {
    return this.kernels?.name;
  }

  /** Adds `n` rows (row-major, `dim` floats each; default: all of `rows`). Rejects NaN and ±Infinity. */
  async add(rows: Float32Array, n = rows.length / this.dim): Promise<void> {
    if (!Number.isInteger(n) || n < 0 || n * this.dim > rows.length) {
      throw new MetricInputError(`add(): ${rows.length} values are not ${n} rows of ${this.dim} features`);
    }
    for (let i = 0; i < n * this.dim; i++) {
      if (!Number.isFinite(rows[i])) {
        throw new MetricInputError(`feature row ${this.n + Math.floor(i / this.dim)} has a non-finite value (${rows[i]})`);
      }
    }
    let at = 0;
    while (at < n) {
      const take = Math.min(n - at, this.blockRows - this.filled);
      this.block.set(rows.subarray(at * this.dim, (at + take) * this.dim), this.filled * this.dim);
      this.filled += take;
      at += take;
      if (this.filled === this.blockRows) await this.flush();
    }
  }

  /** Mean and covariance with ddof = 1 of every row added. Needs at least two rows. */
  async finalize(): Promise<FeatureStats> {
    await this.flush();
    if (this.count < 2)
      throw new MetricInputError(`fewer than two samples (${this.count}): the covariance with ddof = 1 needs at least two`);
    const d = this.dim;
    const sigma = new Float64Array(d * d);
    const scale = 1 / (this.count - 1);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j <= i; j++) {
        const v = this.m2[i * d + j] * scale;
        sigma[i * d + j] = v;
        sigma[j * d + i] = v;
      }
    }
    return { mu: Float64Array.from(this.mean), sigma, n: this.count };
  }

  /** The backend's kernels (the one `options.backend` picks), loaded once. */
  async kernelsInUse(): Promise<Kernels> {
    this.kernels ??= await getKernels(this.options.backend);
    return this.kernels;
  }

  /**
   * The block of `rows` rows held in `block` (a buffer of blockRows × dim floats, as flush() hands the kernel
   * its own): what a shard computes for a block it holds whole, so the merge can fold it without the rows.
   */
  async centeredBlock(block: Float32Array, rows: number): Promise<CenteredBlock> {
    const { mean, gram } = await (await this.kernelsInUse()).centeredGram(block, rows, this.dim);
    return { rows, mean, gram: packLower(gram, this.dim) };
  }

  /**
   * Folds a block computed by centeredBlock() elsewhere (a shard), exactly as flush() folds its own: only
   * at a block boundary (no rows pending), and a short block only as the last one.
   */
  addCenteredBlock(b: CenteredBlock): void {
    if (this.filled !== 0) throw new MetricInputError(`a centred block arrived with ${this.filled} rows pending: blocks must align`);
    if (b.rows < 1 || b.rows > this.blockRows || this.count % this.blockRows !== 0)
      throw new MetricInputError(`a centred block of ${b.rows} rows after ${this.count} does not align with blocks of ${this.blockRows}`);
    if (b.mean.length !== this.dim || b.gram.length !== (this.dim * (this.dim + 1)) / 2)
      throw new MetricInputError(`a centred block has the wrong dimension for ${this.dim} features`);
    this.fold(b.rows, b.mean, b.gram);
  }

  private async flush(): Promise<void> {
    if (this.filled === 0) return;
    const b = await this.centeredBlock(this.block, this.filled);
    this.filled = 0;
    this.fold(b.rows, b.mean, b.gram);
  }

  private fold(rows: number, mean: Float64Array, packedGram: Float64Array): void {
    // Chan et al.: M2 = M2_a + M2_b + δδᵀ · n_a n_b / (n_a + n_b), δ = mean_b − mean_a.
    const d = this.dim;
    const na = this.count;
    const total = na + rows;
    const w = (na * rows) / total;
    const delta = new Float64Array(d);
    for (let i = 0; i < d; i++) delta[i] = mean[i] - this.mean[i];
    for (let i = 0; i < d; i++) {
      const wi = w * delta[i];
      const row = i * d;
      const packed = (i * (i + 1)) / 2;
      for (let j = 0; j <= i; j++) this.m2[row + j] += packedGram[packed + j] + wi * delta[j];
    }
    for (let i = 0; i < d; i++) this.mean[i] += (delta[i] * rows) / total;
    this.count = total;
  }
}

/** Mean and covariance (ddof = 1) of `n` row-major feature vectors of length `dim`. */
export async function computeFeatureStats(
  features: Float32Array,
  n: number,
  dim: number,
  options: FeatureStatsOptions = {},
): Promise<FeatureStats> {
  const acc = new FeatureStatsAccumulator(dim, options);
  await acc.add(features, n);
  return acc.finalize();
}
