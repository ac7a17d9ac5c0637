// Feature files and the metrics computable from a pair of them. Two layouts are read:
// - activations: float32 `pool` [N, D], optional `spatial` [N, S] (trailing axes flattened, as ADM does)
//   and `logits` [N, C];
// - reference statistics as ADM ships them (`mu`, `sigma`, `mu_s`, `sigma_s`, next to `arr_0` images, which
//   are never read) or as pytorch-fid / clean-fid write them (`mu`, `sigma`).
// Either may also hold CLIP embeddings for the text-to-image metrics: `clip`, L2-normalised image
// embeddings [N, D], and (samples) `clip_text`, the embedding of each sample's prompt [N, D]; and an
// activations file may hold `dinov2`, DINOv2 CLS features [N, D] for FD-DINOv2.

import { ArrayFileError } from '../io/array-file-error.js';
import type { NdArray } from '../io/npy.js';
import { openNpz, type NpzEntryInfo, type NpzReader } from '../io/npz.js';
import { FeatureStatsAccumulator, type FeatureStats } from './feature-stats.js';
import { clipScore } from './clip-score.js';
import { CMMD_SCALE, CMMD_SIGMA, cmmd } from './cmmd.js';
import { frechetDistanceDetailed, type GaussianStats } from './frechet-distance.js';
import { inceptionScore, type InceptionSplitMode } from './inception-score.js';
import { getKernels } from './kernels/get-kernels.js';
import type { BackendChoice, DistancePrecision } from './kernels/kernels.js';
import { KID_DEFAULTS, kernelInceptionDistance } from './kid.js';
import { MetricInputError } from './metric-input-error.js';
import { precisionRecall, type FeatureSet } from './precision-recall.js';
import type { MetricId } from '../../../contracts/metrics/registry.js';

export interface ActivationsFile {
  kind: 'activations';
  file: string;
  pool?: FeatureSet;
  spatial?: FeatureSet;
  logits?: FeatureSet;
  clip?: FeatureSet;
  clip_text?: FeatureSet;
  dinov2?: FeatureSet;
  /** Fréchet statistics already computed (a sharded evaluation's merge, runner/src/sharding), used instead of the rows'. */
  stats?: { pool?: FeatureStats; spatial?: FeatureStats };
}

export interface StatisticsFile {
  kind: 'statistics';
  file: string;
  pool: GaussianStats;
  spatial?: GaussianStats;
  clip?: FeatureSet;
  clip_text?: FeatureSet;
}

export type FeatureFile = ActivationsFile | StatisticsFile;

const ACTIVATION_KEYS = ['pool', 'spatial', 'logits', 'clip', 'clip_text', 'dinov2'] as const;
const CLIP_KEYS = ['clip', 'clip_text'] as const;

async function readEntry(reader: NpzReader, key: string): Promise<{ info: NpzEntryInfo; array: NdArray }> {
  return { info: reader.entry(key), array: await reader.read(key) };
}

function asFloat64(file: string, key: string, a: NdArray): Float64Array {
  if (a.dtype === 'float64') return a.data as Float64Array;
  if (a.dtype === 'float32') return Float64Array.from(a.data as Float32Array);
  throw new MetricInputError(`'${key}' is ${a.dtype}; statistics must be float32 or float64`, file);
}

function checkFinite(file: string, key: string, data: Float32Array | Float64Array, dim: number): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const where = dim > 0 ? `row ${Math.floor(i / dim)}, column ${i % dim}` : `element ${i}`;
      throw new MetricInputError(`'${key}' has a non-finite value (${data[i]}) at ${where}`, file);
    }
  }
}

async function loadMatrix(reader: NpzReader, file: string, key: string): Promise<FeatureSet> {
  const info = reader.entry(key);
  if (info.dtype !== 'float32' && info.dtype !== 'float64')
    throw new MetricInputError(`'${key}' is ${info.dtype}; features must be float32`, file);
  if (info.shape.length < 2 || ((CLIP_KEYS as readonly string[]).includes(key) && info.shape.length !== 2))
    throw new MetricInputError(`'${key}' has shape [${info.shape.join(', ')}]; expected [N, D]`, file);
  const rows = info.shape[0];
  const dim = info.shape.slice(1).reduce((p, d) => p * d, 1);
  if (dim === 0) throw new MetricInputError(`'${key}' has no feature columns (shape [${info.shape.join(', ')}])`, file);
  const a = await reader.read(key);
  const data = a.dtype === 'float32' ? (a.data as Float32Array) : Float32Array.from(a.data as Float64Array);
  checkFinite(file, key, data, dim);
  return { data, rows, dim };
}

async function loadStats(reader: NpzReader, file: string, muKey: string, sigmaKey: string): Promise<GaussianStats> {
  if (!reader.has(sigmaKey)) throw new MetricInputError(`has '${muKey}' but no '${sigmaKey}'`, file);
  const mu = await readEntry(reader, muKey);
  const sigma = await readEntry(reader, sigmaKey);
  if (mu.info.shape.length !== 1) throw new MetricInputError(`'${muKey}' has shape [${mu.info.shape.join(', ')}]; expected [D]`, file);
  const d = mu.info.shape[0];
  if (sigma.info.shape.length !== 2 || sigma.info.shape[0] !== d || sigma.info.shape[1] !== d) {
    throw new MetricInputError(`'${sigmaKey}' has shape [${sigma.info.shape.join(', ')}]; '${muKey}' needs [${d}, ${d}]`, file);
  }
  const stats = { mu: asFloat64(file, muKey, mu.array), sigma: asFloat64(file, sigmaKey, sigma.array) };
  checkFinite(file, muKey, stats.mu, 0);
  checkFinite(file, sigmaKey, stats.sigma, d);
  return stats;
}

/**
 * Loads an activations file or a reference-statistics file. Throws MetricInputError naming the file for a
 * corrupt archive, missing keys, wrong shapes or dtypes, NaN/Inf values, or arrays with different row counts.
 */
export async function loadFeatureFile(path: string): Promise<FeatureFile> {
  let reader: NpzReader;
  try {
    reader = await openNpz(path);
  } catch (err) {
    if (err instanceof ArrayFileError) throw new MetricInputError(err.problem, path, { cause: err });
    throw err;
  }
  try {
    if (reader.has('mu')) {
      const pool = await loadStats(reader, path, 'mu', 'sigma');
      const spatial = reader.has('mu_s') ? await loadStats(reader, path, 'mu_s', 'sigma_s') : undefined;
      const stats: StatisticsFile = { kind: 'statistics', file: path, pool, ...(spatial ? { spatial } : {}) };
      for (const key of CLIP_KEYS) if (reader.has(key)) stats[key] = await loadMatrix(reader, path, key);
      checkClipPair(stats, path);
      return stats;
    }
    const present = ACTIVATION_KEYS.filter((k) => reader.has(k));
    if (present.length === 0) {
      const keys = reader.entries.map((e) => e.name);
      throw new MetricInputError(
        `missing keys: expected activations ('pool', 'spatial', 'logits', 'dinov2'), CLIP embeddings ('clip', 'clip_text') or statistics ('mu', 'sigma'); the file holds ${keys.length ? keys.map((k) => `'${k}'`).join(', ') : 'no arrays'}`,
        path,
      );
    }
    const out: ActivationsFile = { kind: 'activations', file: path };
    for (const key of present) out[key] = await loadMatrix(reader, path, key);
    checkClipPair(out, path);
    const counts = present.map((k) => [k, out[k]!.rows] as const);
    if (counts.some(([, n]) => n !== counts[0][1])) {
      throw new MetricInputError(`arrays have different row counts: ${counts.map(([k, n]) => `'${k}' ${n}`).join(', ')}`, path);
    }
    return out;
  } catch (err) {
    if (err instanceof ArrayFileError) throw new MetricInputError(err.problem, path, { cause: err });
    throw err;
  } finally {
    await reader.close();
  }
}

/** `clip_text` pairs row i with `clip` row i: it cannot come alone or with another count or width. */
function checkClipPair(f: { clip?: FeatureSet; clip_text?: FeatureSet }, file: string): void {
  if (!f.clip_text) return;
  if (!f.clip) throw new MetricInputError(`has 'clip_text' but no 'clip': prompt embeddings pair with the image embeddings`, file);
  if (f.clip_text.rows !== f.clip.rows)
    throw new MetricInputError(
      `'clip' has ${f.clip.rows} rows but 'clip_text' ${f.clip_text.rows}: row i of 'clip_text' is the embedding of sample i's prompt`,
      file,
    );
  if (f.clip_text.dim !== f.clip.dim)
    throw new MetricInputError(
      `'clip' has ${f.clip.dim} dimensions but 'clip_text' ${f.clip_text.dim}: both must come from one CLIP model`,
      file,
    );
}

export interface ComputeMetricsOptions {
  /** Inception Score splits. Default `adm-5000`. */
  isSplitMode?: InceptionSplitMode;
  /** Shuffle seed for `torch-fidelity-10`. Default 0. */
  isSeed?: number;
  /** Precision/recall distances. Default `fp32`. */
  distancePrecision?: DistancePrecision;
  kidSeed?: number;
  kidSubsets?: number;
  kidSubsetSize?: number;
  backend?: BackendChoice;
  /** Compute only these metrics (default: every metric the inputs allow). */
  only?: readonly MetricId[];
}

export interface MetricsReport {
  fid?: number;
  sfid?: number;
  inception_score?: number;
  precision?: number;
  recall?: number;
  kid?: number;
  kid_std?: number;
  clip_score?: number;
  cmmd?: number;
  fd_dinov2?: number;
  /** The protocol choices behind each value. */
  protocol: Record<string, unknown>;
  /** Metrics that were not computed, with the reason. */
  unavailable: Partial<Record<MetricId, string>>;
}

async function statsOf(
  f: FeatureFile,
  key: 'pool' | 'spatial' | 'dinov2',
  backend: BackendChoice | undefined,
): Promise<(GaussianStats & { n?: number }) | undefined> {
  if (f.kind === 'statistics') return key === 'dinov2' ? undefined : f[key];
  if (key !== 'dinov2' && f.stats?.[key]) return f.stats[key];
  const m = f[key];
  if (!m) return undefined;
  if (m.rows < 2)
    throw new MetricInputError(`fewer than two samples in '${key}' (${m.rows}): the covariance with ddof = 1 needs at least two`, f.file);
  const acc = new FeatureStatsAccumulator(m.dim, { backend });
  await acc.add(m.data, m.rows);
  const s: FeatureStats = await acc.finalize();
  return s;
}

function dimOf(f: FeatureFile, key: 'pool' | 'spatial' | 'dinov2'): number | undefined {
  if (f.kind === 'activations') return f[key]?.dim ?? (key === 'dinov2' ? undefined : f.stats?.[key]?.mu.length);
  return key === 'dinov2' ? undefined : f[key]?.mu.length;
}

/**
 * Every metric computable from a sample file and an optional reference file, with the protocol record.
 * Without a reference only the Inception Score can be computed.
 */
export async function computeMetrics(
  samples: FeatureFile,
  reference: FeatureFile | undefined,
  options: ComputeMetricsOptions = {},
): Promise<MetricsReport> {
  const want = (id: MetricId) => !options.only || options.only.includes(id);
  const report: MetricsReport = { protocol: {}, unavailable: {} };
  const skip = (ids: MetricId[], why: string) => {
    for (const id of ids) if (want(id)) report.unavailable[id] = why;
  };
  const kernels = await getKernels(options.backend);
  const backend = kernels.name;
  report.protocol.backend = backend;

  if (reference) {
    for (const key of ['pool', 'spatial', 'dinov2'] as const) {
      const a = dimOf(samples, key);
      const b = dimOf(reference, key);
      if (a !== undefined && b !== undefined && a !== b) {
        throw new MetricInputError(
          `mismatched dimensions: '${key}' features have ${a} dimensions in ${samples.file} but ${b} in ${reference.file}`,
        );
      }
    }
  }

  // FID, sFID and FD-DINOv2 (the latter only mentioned when a file holds DINOv2 features or it is asked for).
  const anyDinov2 = [samples, reference].some((f) => f?.kind === 'activations' && f.dinov2);
  for (const [id, key] of [
    ['fid', 'pool'],
    ['sfid', 'spatial'],
    ['fd_dinov2', 'dinov2'],
  ] as const) {
    if (!want(id) || (id === 'fd_dinov2' && !anyDinov2 && !options.only?.includes(id))) continue;
    if (!reference) {
      skip([id], 'no reference given');
      continue;
    }
    const [a, b] = [await statsOf(samples, key, backend), await statsOf(reference, key, backend)];
    if (!a || !b) {
      skip([id], `${!a ? samples.file : reference.file} has no ${key} features or statistics`);
      continue;
    }
    const d = await frechetDistanceDetailed(a, b, { backend });
    report[id] = d.value;
    report.protocol[id] = {
      features: key,
      statistics: 'mean and covariance (ddof = 1) in float64; blocks centred on their own mean, merged pairwise',
      traceSqrt: 'sum of sqrt of the eigenvalues of Lᵀ Σ₂ L with Σ₁ = L Lᵀ (pivoted Cholesky), negatives counted as 0',
      epsOffset: { value: 1e-6, when: 'only if the result is not finite', applied: d.offsetApplied },
      samples: samples.kind === 'statistics' ? 'precomputed statistics' : (samples[key]?.rows ?? a.n),
      reference: reference.kind === 'statistics' ? 'precomputed statistics' : reference[key]!.rows,
    };
  }

  // Inception Score.
  if (want('inception_score')) {
    if (samples.kind === 'activations' && samples.logits) {
      const is = inceptionScore(samples.logits.data, samples.logits.rows, samples.logits.dim, {
        splitMode: options.isSplitMode,
        seed: options.isSeed,
      });
      report.inception_score = is.mean;
      report.protocol.inception_score = {
        splitMode: is.splitMode,
        splits: is.splitScores.length,
        ...(is.seed === undefined ? {} : { seed: is.seed, shuffle: 'seeded sfc32 Fisher-Yates (not torch.randperm)' }),
        softmax: 'float64 log-softmax of the logits',
        std: is.std,
        samples: samples.logits.rows,
      };
    } else {
      skip(['inception_score'], `${samples.file} has no 'logits'`);
    }
  }

  // Precision/recall and KID need pool activations on both sides.
  const setIds: MetricId[] = ['precision', 'recall', 'kid', 'kid_std'];
  if (setIds.some(want)) {
    const why = !reference
      ? 'no reference given'
      : samples.kind !== 'activations' || !samples.pool
        ? `${samples.file} has no 'pool' activations`
        : reference.kind !== 'activations' || !reference.pool
          ? `${reference.file} has no 'pool' activations (statistics only)`
          : undefined;
    if (why) skip(setIds, why);
    else {
      const s = (samples as ActivationsFile).pool!;
      const r = (reference as ActivationsFile).pool!;
      if (want('precision') || want('recall')) {
        if (s.rows < 4 || r.rows < 4)
          skip(
            ['precision', 'recall'],
            `precision/recall with k = 3 needs at least 4 points per set (samples ${s.rows}, reference ${r.rows})`,
          );
        else {
          const pr = await precisionRecall(s, r, { distancePrecision: options.distancePrecision, backend });
          if (want('precision')) report.precision = pr.precision;
          if (want('recall')) report.recall = pr.recall;
          report.protocol.precision_recall = {
            k: pr.k,
            radius: 'the (k+1)-th smallest squared distance within the own set, the point itself included',
            membership: 'squared distance <= radius',
            distancePrecision: pr.distancePrecision,
            ...(pr.distancePrecision === 'adm-fp16' ? { fp32FallbackBlocks: pr.fp32FallbackBlocks } : {}),
            samples: s.rows,
            reference: r.rows,
          };
        }
      }
      if (want('kid') || want('kid_std')) {
        const kid = await kernelInceptionDistance(s, r, {
          seed: options.kidSeed,
          subsets: options.kidSubsets,
          subsetSize: options.kidSubsetSize,
          backend,
        });
        if (want('kid')) report.kid = kid.kid;
        if (want('kid_std')) report.kid_std = kid.kid_std;
        report.protocol.kid = {
          estimator: 'unbiased MMD²',
          kernel: `(x·y/d + ${KID_DEFAULTS.coef0})^${KID_DEFAULTS.degree}`,
          subsets: kid.subsets,
          subsetSize: kid.subsetSize,
          seed: kid.seed,
          sampling: 'without replacement, seeded sfc32 (not numpy RandomState)',
          std: 'population standard deviation over subsets (ddof = 0)',
        };
      }
    }
  }

  // CMMD and CLIP score, from CLIP embeddings. Files without any are not about text-to-image: these
  // metrics are then left out of the report unless asked for by name.
  const anyClip = [samples, reference].some((f) => f?.clip);
  const mention = (id: MetricId) => want(id) && (anyClip || options.only?.includes(id));
  if (mention('cmmd')) {
    if (!reference) skip(['cmmd'], 'no reference given');
    else if (!samples.clip) skip(['cmmd'], `${samples.file} has no 'clip' embeddings`);
    else if (!reference.clip) skip(['cmmd'], `${reference.file} has no 'clip' embeddings`);
    else {
      const r = await cmmd(samples.clip, reference.clip, { backend, files: { samples: samples.file, reference: reference.file } });
      report.cmmd = r.cmmd;
      report.protocol.cmmd = {
        estimator: 'biased MMD² (means over all pairs, diagonals included), as Jayasumana et al. 2024',
        kernel: `exp(−‖x − y‖² / (2·${CMMD_SIGMA}²))`,
        scale: CMMD_SCALE,
        embeddings: 'L2-normalised CLIP image embeddings',
        dotProducts: 'float32; kernel sums in float64',
        samples: r.samples,
        reference: r.reference,
      };
    }
  }
  if (mention('clip_score')) {
    if (!samples.clip || !samples.clip_text)
      skip(['clip_score'], `${samples.file} has no '${samples.clip ? 'clip_text' : 'clip'}' embeddings`);
    else {
      const r = clipScore(samples.clip, samples.clip_text, { images: samples.file, texts: samples.file });
      report.clip_score = r.clip_score;
      report.protocol.clip_score = {
        definition: 'mean over samples of 100·max(cos(image, prompt), 0) (Hessel et al. 2021, weight 100 as torchmetrics)',
        clamp: 'per sample (torchmetrics clamps the mean; equal when no cosine is negative)',
        negativeCosines: r.negativeCosines,
        samples: r.samples,
      };
    }
  }
  return report;
}
