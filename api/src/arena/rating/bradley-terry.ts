// Bradley–Terry strengths fitted by (penalised) maximum likelihood with the MM algorithm of Hunter (2004),
// "MM algorithms for generalized Bradley–Terry models", Ann. Statist. 32(1), eq. (3).
// Protocol choices, fixed here and recorded with every stored rating (ARENA_ALGORITHM below):
// - a tie (and a "both bad" vote) counts as half a win for each side (not the Davidson extension), as
//   Chatbot Arena counts its ties; the likelihood of a comparison is p_i^w · p_j^(1−w) / (p_i + p_j), w ∈ {0, ½, 1};
// - `prior` virtual games against a fixed reference player of strength 1 (θ = 0), each a tie: a proper prior
//   that keeps every strength finite when the comparison graph is not strongly connected (a model that never
//   lost); `prior: 0` is the plain MLE and then requires a strongly connected graph;
// - converged when no log-strength moves by more than `tolerance` (1e-10) in one sweep;
// - reported as θ = log p, centred to mean 0 (the geometric mean of the strengths is 1), and on the Elo-like
//   scale rating = 1000 + 400·θ / ln 10 (a 400-point gap: odds of 10 to 1).

export type Outcome = 'a' | 'b' | 'tie';

/** One comparison between players `a` and `b` (indices), won by `a`, by `b`, or tied. */
export interface Comparison {
  a: number;
  b: number;
  outcome: Outcome;
}

export interface BradleyTerryOptions {
  /** virtual tied games of each player against a reference player of strength 1; 0 = plain MLE */
  prior?: number;
  tolerance?: number;
  maxIterations?: number;
}

export interface BradleyTerryFit {
  /** log-strengths, centred to mean 0 */
  theta: Float64Array;
  iterations: number;
}

export const BT_DEFAULTS = { prior: 1, tolerance: 1e-10, maxIterations: 100_000 } as const;

export class BradleyTerryError extends Error {
  override name = 'BradleyTerryError';
}

/** Wins (ties as halves) and games per ordered pair, the sufficient statistics of the model. */
export function tally(players: number, comparisons: readonly Comparison[]): { wins: Float64Array; games: Float64Array } {
  const wins = new Float64Array(players * players);
  const games = new Float64Array(players * players);
  for (const { a, b, outcome } of comparisons) {
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0 || a >= players || b >= players || a === b) {
      throw new BradleyTerryError(`comparison between players ${a} and ${b} is not between two of ${players} distinct players`);
    }
    const w = outcome === 'a' ? 1 : outcome === 'b' ? 0 : 0.5;
    wins[a * players + b] += w;
    wins[b * players + a] += 1 - w;
    games[a * players + b] += 1;
    games[b * players + a] += 1;
  }
  return { wins, games };
}

/** Whether every player can reach every other through "beat or tied" edges (Hunter's condition for the MLE). */
export function stronglyConnected(players: number, wins: Float64Array): boolean {
  const reach = (forward: boolean): boolean => {
    const seen = new Uint8Array(players);
    const stack = [0];
    seen[0] = 1;
    while (stack.length) {
      const i = stack.pop()!;
      for (let j = 0; j < players; j++) {
        const w = forward ? wins[i * players + j] : wins[j * players + i];
        if (!seen[j] && w > 0) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    return seen.every((s) => s === 1);
  };
  return players <= 1 || (reach(true) && reach(false));
}

export function fitBradleyTerry(players: number, comparisons: readonly Comparison[], options: BradleyTerryOptions = {}): BradleyTerryFit {
  const { prior, tolerance, maxIterations } = { ...BT_DEFAULTS, ...options };
  if (!(prior >= 0)) throw new BradleyTerryError(`prior must be ≥ 0, got ${prior}`);
  const { wins, games } = tally(players, comparisons);
  if (prior === 0 && !stronglyConnected(players, wins)) {
    throw new BradleyTerryError(
      'the maximum-likelihood estimate does not exist: the comparison graph is not strongly connected (use a prior)',
    );
  }
  const totalWins = new Float64Array(players);
  for (let i = 0; i < players; i++) {
    let w = prior / 2;
    for (let j = 0; j < players; j++) w += wins[i * players + j];
    totalWins[i] = w;
  }
  const p = new Float64Array(players).fill(1);
  let iterations = 0;
  for (;;) {
    if (iterations >= maxIterations) throw new BradleyTerryError(`no convergence within ${maxIterations} iterations`);
    iterations++;
    let change = 0;
    // Cyclic (Gauss–Seidel) MM updates: each is Hunter's minorize–maximize step for one player, so the
    // penalised likelihood never decreases.
    for (let i = 0; i < players; i++) {
      let denominator = prior > 0 ? prior / (p[i] + 1) : 0;
      for (let j = 0; j < players; j++) {
        const n = games[i * players + j];
        if (n > 0) denominator += n / (p[i] + p[j]);
      }
      if (denominator === 0) continue; // no games and no prior: the player stays at its start
      const next = totalWins[i] / denominator;
      change = Math.max(change, Math.abs(Math.log(next) - Math.log(p[i])));
      p[i] = next;
    }
    if (prior === 0) {
      // The plain likelihood is invariant to scaling all strengths: fix the geometric mean at 1 each sweep.
      let meanLog = 0;
      for (let i = 0; i < players; i++) meanLog += Math.log(p[i]) / players;
      for (let i = 0; i < players; i++) p[i] /= Math.exp(meanLog);
    }
    if (change < tolerance) break;
  }
  const theta = new Float64Array(players);
  let mean = 0;
  for (let i = 0; i < players; i++) mean += Math.log(p[i]) / players;
  for (let i = 0; i < players; i++) theta[i] = Math.log(p[i]) - mean;
  return { theta, iterations };
}

/** The Elo-like scale: 1000 + 400·θ / ln 10. */
export function toElo(theta: number): number {
  return 1000 + (400 * theta) / Math.LN10;
}
