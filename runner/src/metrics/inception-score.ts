// Inception Score (Salimans et al. 2016, "Improved techniques for training GANs"; ADM
// evaluations/evaluator.py compute_inception_score, after openai/improved-gan): exp(E_x KL(p(y|x) ‖ p(y)))
// averaged over splits. Protocol choices: softmax of the logits in float64 (log-softmax, so underflowing
// probabilities contribute 0); splits are ADM's consecutive 5000 in file order, the last possibly shorter
// (`adm-5000`), or torch-fidelity's 10 chunks (torch.chunk sizes) after a seeded shuffle (`torch-fidelity-10`,
// our own generator, so not torch's permutation).

import { MetricInputError } from './metric-input-error.js';
import { permutation } from '../random/prng.js';
import { metricSubsetStream } from '../random/protocol-streams.js';

export type InceptionSplitMode = 'adm-5000' | 'torch-fidelity-10';

export interface InceptionScoreOptions {
  splitMode?: InceptionSplitMode;
  /** Shuffle seed for `torch-fidelity-10`. Default 0. */
  seed?: number;
}

export interface InceptionScoreResult {
  /** Mean over splits. */
  mean: number;
  /** Population standard deviation over splits (np.std, ddof = 0). */
  std: number;
  splitScores: number[];
  splitMode: InceptionSplitMode;
  /** The shuffle seed (torch-fidelity-10 only). */
  seed?: number;
}

const ADM_SPLIT = 5000;
const TORCH_FIDELITY_SPLITS = 10;

/** Inception Score from row-major logits (n × classes). */
export function inceptionScore(
  logits: Float32Array | Float64Array,
  n: number,
  classes: number,
  options: InceptionScoreOptions = {},
): InceptionScoreResult {
  const splitMode = options.splitMode ?? 'adm-5000';
  if (n < 1) throw new MetricInputError('no samples: the Inception Score needs at least one logits row');
  if (classes < 2) throw new MetricInputError(`logits have ${classes} classes; the Inception Score needs at least two`);
  if (logits.length < n * classes) throw new MetricInputError(`${logits.length} logits values are fewer than ${n} rows of ${classes}`);
  // Row order: file order, or a seeded shuffle.
  let order: Int32Array | undefined;
  let seed: number | undefined;
  let chunk = ADM_SPLIT;
  if (splitMode === 'torch-fidelity-10') {
    seed = options.seed ?? 0;
    order = permutation(metricSubsetStream(seed), n);
    chunk = Math.ceil(n / TORCH_FIDELITY_SPLITS);
  } else if (splitMode !== 'adm-5000') {
    throw new MetricInputError(`unknown Inception Score split mode '${String(splitMode)}'`);
  }
  // log p(y|x) for every row, in float64.
  const logp = new Float64Array(n * classes);
  for (let i = 0; i < n; i++) {
    const src = (order ? order[i] : i) * classes;
    const dst = i * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) {
      const x = logits[src + c];
      if (!Number.isFinite(x)) throw new MetricInputError(`logits row ${order ? order[i] : i} has a non-finite value (${x})`);
      if (x > max) max = x;
    }
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[src + c] - max);
    const lse = max + Math.log(sum);
    for (let c = 0; c < classes; c++) logp[dst + c] = logits[src + c] - lse;
  }
  const splitScores: number[] = [];
  const q = new Float64Array(classes);
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    q.fill(0);
    for (let i = start; i < end; i++) for (let c = 0; c < classes; c++) q[c] += Math.exp(logp[i * classes + c]);
    for (let c = 0; c < classes; c++) q[c] = Math.log(q[c] / (end - start));
    let kl = 0;
    for (let i = start; i < end; i++) {
      let row = 0;
      for (let c = 0; c < classes; c++) {
        const lp = logp[i * classes + c];
        const p = Math.exp(lp);
        if (p > 0) row += p * (lp - q[c]);
      }
      kl += row;
    }
    splitScores.push(Math.exp(kl / (end - start)));
  }
  const mean = splitScores.reduce((s, x) => s + x, 0) / splitScores.length;
  const std = Math.sqrt(splitScores.reduce((s, x) => s + (x - mean) ** 2, 0) / splitScores.length);
  return { mean, std, splitScores, splitMode, ...(seed === undefined ? {} : { seed }) };
}
