// Arena ratings with bootstrap intervals, and each automatic metric's agreement with them. Pure: votes and
// metric values in, numbers out; the same votes (in the same order), options and seed give the same result,
// which is what lets a stored rating be recomputed from its stored votes (arena.service.ts records all three).
import { BT_DEFAULTS, type Comparison, fitBradleyTerry, type Outcome, toElo } from './bradley-terry.js';
import { kendallTauB } from './kendall-tau.js';
import { fmix32, mulberry32, type Uniform } from '../../../../contracts/random/mulberry32.js';

/** Changes whenever a choice below would change a stored rating; stored with each rating version. */
export const ARENA_ALGORITHM = 'bt-mm-ties-half-prior1-elo400-bootstrap-percentile-mulberry32@1';

export interface ArenaVoteInput {
  a: string;
  b: string;
  outcome: Outcome;
}

export interface ArenaMetricInput {
  metricId: string;
  higherIsBetter: boolean;
  /** the metric's value per player; players without one are left out of its τ */
  values: ReadonlyMap<string, number>;
}

export interface ArenaRatingOptions {
  seed: number;
  /** bootstrap resamples of the votes */
  resamples?: number;
  prior?: number;
}

export interface PlayerRating {
  player: string;
  theta: number;
  rating: number;
  /** 95% percentile bootstrap interval of `rating` */
  low: number;
  high: number;
  votes: number;
}

export interface MetricAgreement {
  metricId: string;
  /** players with both a rating and a value of this metric */
  n: number;
  /** Kendall τ-b between the arena rating and the metric oriented so that higher is better (τ = 1: same order) */
  tau: number;
  low: number;
  high: number;
}

export interface ArenaRatingResult {
  ratings: PlayerRating[];
  agreement: MetricAgreement[];
  resamples: number;
}

/** mulberry32 seeded through the murmur3 finalizer: the project's one generator (contracts/random/mulberry32.ts). */
export function seededUniform(seed: number): Uniform {
  return mulberry32(fmix32(seed));
}

/** The q-th percentile (0–100) with linear interpolation between order statistics: numpy.percentile's default. */
export function percentile(values: readonly number[], q: number): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((u, v) => u - v);
  if (sorted.length === 0) return NaN;
  const position = ((sorted.length - 1) * q) / 100;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

export function rateArena(
  players: readonly string[],
  votes: readonly ArenaVoteInput[],
  metrics: readonly ArenaMetricInput[],
  options: ArenaRatingOptions,
): ArenaRatingResult {
  const resamples = options.resamples ?? 1000;
  const prior = options.prior ?? BT_DEFAULTS.prior;
  const index = new Map(players.map((p, i) => [p, i]));
  const comparisons: Comparison[] = votes.map((v) => {
    const a = index.get(v.a);
    const b = index.get(v.b);
    if (a === undefined || b === undefined) throw new RangeError(`vote between ${v.a} and ${v.b} names a player not in the list`);
    return { a, b, outcome: v.outcome };
  });
  const voteCounts = new Array<number>(players.length).fill(0);
  for (const c of comparisons) {
    voteCounts[c.a]++;
    voteCounts[c.b]++;
  }
  const oriented = metrics.map((m) => {
    const members = players
      .map((p, i) => [i, m.values.get(p)] as const)
      .filter((e): e is readonly [number, number] => e[1] !== undefined && Number.isFinite(e[1]));
    return { metricId: m.metricId, members: members.map(([i]) => i), values: members.map(([, v]) => (m.higherIsBetter ? v : -v)) };
  });
  const tauOf = (theta: Float64Array, metric: (typeof oriented)[number]): number =>
    kendallTauB(
      metric.members.map((i) => theta[i]),
      metric.values,
    );

  const fit = fitBradleyTerry(players.length, comparisons, { prior });
  const uniform = seededUniform(options.seed);
  const bootRatings: number[][] = players.map(() => []);
  const bootTaus: number[][] = oriented.map(() => []);
  const resampled: Comparison[] = new Array<Comparison>(comparisons.length);
  for (let r = 0; r < resamples && comparisons.length > 0; r++) {
    for (let k = 0; k < comparisons.length; k++) resampled[k] = comparisons[Math.floor(uniform() * comparisons.length)];
    const { theta } = fitBradleyTerry(players.length, resampled, { prior });
    theta.forEach((t, i) => bootRatings[i].push(toElo(t)));
    oriented.forEach((m, k) => bootTaus[k].push(tauOf(theta, m)));
  }
  return {
    resamples,
    ratings: players.map((player, i) => ({
      player,
      theta: fit.theta[i],
      rating: toElo(fit.theta[i]),
      low: percentile(bootRatings[i], 2.5),
      high: percentile(bootRatings[i], 97.5),
      votes: voteCounts[i],
    })),
    agreement: oriented.map((m, k) => ({
      metricId: m.metricId,
      n: m.members.length,
      tau: tauOf(fit.theta, m),
      low: percentile(bootTaus[k], 2.5),
      high: percentile(bootTaus[k], 97.5),
    })),
  };
}
