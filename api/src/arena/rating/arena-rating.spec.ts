import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BradleyTerryError, type Comparison, fitBradleyTerry, type Outcome, toElo } from './bradley-terry.js';
import { kendallTauB } from './kendall-tau.js';
import { percentile, rateArena, seededUniform } from './arena-rating.js';

interface Reference {
  bradleyTerry: { players: number; prior: number; comparisons: Comparison[]; theta: number[] }[];
  kendall: { x: number[]; y: number[]; tau: number }[];
  percentile: { values: number[]; q: number[]; expected: number[] };
}
// Made by fixtures/make-fixtures.py (scipy.optimize on the same likelihood, scipy.stats.kendalltau, numpy.percentile).
const reference = JSON.parse(readFileSync(new URL('./fixtures/reference.json', import.meta.url), 'utf8')) as Reference;

describe('Bradley–Terry MM fit', () => {
  it.each(reference.bradleyTerry.map((c, i) => [i, c] as const))(
    'case %i matches scipy’s maximiser of the same likelihood within 1e-7 in θ',
    (_, c) => {
      const { theta } = fitBradleyTerry(c.players, c.comparisons, { prior: c.prior });
      expect(theta).toHaveLength(c.theta.length);
      theta.forEach((t, i) => expect(Math.abs(t - c.theta[i])).toBeLessThan(1e-7));
    },
  );

  it('is centred: mean log-strength 0 (within 1e-12)', () => {
    const { theta } = fitBradleyTerry(reference.bradleyTerry[1].players, reference.bradleyTerry[1].comparisons, { prior: 0 });
    expect(Math.abs(theta.reduce((s, t) => s + t, 0))).toBeLessThan(1e-12);
  });

  it('two players, 3 wins to 1: the closed form θ_a − θ_b = ln 3 (within 1e-9)', () => {
    const comps: Comparison[] = [...Array<Comparison>(3).fill({ a: 0, b: 1, outcome: 'a' }), { a: 0, b: 1, outcome: 'b' }];
    const { theta } = fitBradleyTerry(2, comps, { prior: 0 });
    expect(Math.abs(theta[0] - theta[1] - Math.log(3))).toBeLessThan(1e-9);
    expect(toElo(theta[0]) - toElo(theta[1])).toBeCloseTo(400 * Math.log10(3), 6);
  });

  it('counts a tie as half a win: 1 win + 2 ties against nothing else is 2 wins to 1, θ gap ln 2 (within 1e-9)', () => {
    const comps: Comparison[] = [
      { a: 0, b: 1, outcome: 'a' },
      { a: 0, b: 1, outcome: 'tie' },
      { a: 1, b: 0, outcome: 'tie' },
    ];
    const { theta } = fitBradleyTerry(2, comps, { prior: 0 });
    expect(Math.abs(theta[0] - theta[1] - Math.log(2))).toBeLessThan(1e-9);
  });

  it('refuses the plain MLE when it does not exist (a player never lost) and stays finite with the prior', () => {
    const comps: Comparison[] = [
      { a: 0, b: 1, outcome: 'a' },
      { a: 1, b: 2, outcome: 'a' },
      { a: 2, b: 1, outcome: 'a' },
    ];
    expect(() => fitBradleyTerry(3, comps, { prior: 0 })).toThrow(BradleyTerryError);
    const { theta } = fitBradleyTerry(3, comps);
    expect(theta.every(Number.isFinite)).toBe(true);
    expect(theta[0]).toBeGreaterThan(theta[1]);
  });

  it('rejects comparisons naming unknown or identical players', () => {
    expect(() => fitBradleyTerry(2, [{ a: 0, b: 2, outcome: 'a' }])).toThrow(BradleyTerryError);
    expect(() => fitBradleyTerry(2, [{ a: 1, b: 1, outcome: 'a' }])).toThrow(BradleyTerryError);
  });

  it('recovers the true order of synthetic voters with known skills (τ = 1 over 8 players, 4000 votes)', () => {
    const skills = [-1.5, -1, -0.5, 0, 0.4, 0.9, 1.3, 2];
    const u = seededUniform(7);
    const comps: Comparison[] = [];
    for (let k = 0; k < 4000; k++) {
      const a = Math.floor(u() * 8);
      const b = (a + 1 + Math.floor(u() * 7)) % 8;
      const pa = 1 / (1 + Math.exp(skills[b] - skills[a]));
      const r = u();
      const outcome: Outcome = r < 0.1 ? 'tie' : u() < pa ? 'a' : 'b';
      comps.push({ a, b, outcome });
    }
    const { theta } = fitBradleyTerry(8, comps);
    expect(kendallTauB(theta, skills)).toBe(1);
    // and the skill gaps themselves, to within sampling error (ties shrink gaps a little)
    expect(Math.abs(theta[7] - theta[0] - 3.5)).toBeLessThan(0.6);
  });
});

describe('Kendall τ-b', () => {
  it.each(reference.kendall.map((c, i) => [i, c] as const))('case %i matches scipy.stats.kendalltau (variant b) within 1e-12', (_, c) => {
    expect(Math.abs(kendallTauB(c.x, c.y) - c.tau)).toBeLessThan(1e-12);
  });
  it('is 1 for the same order, −1 for the reverse, NaN for a constant', () => {
    expect(kendallTauB([1, 2, 3], [10, 20, 30])).toBe(1);
    expect(kendallTauB([1, 2, 3], [3, 2, 1])).toBe(-1);
    expect(kendallTauB([1, 1, 1], [3, 2, 1])).toBeNaN();
  });
});

describe('bootstrap', () => {
  it('percentile matches numpy.percentile (linear) within 1e-12', () => {
    const c = reference.percentile;
    c.q.forEach((q, i) => expect(Math.abs(percentile(c.values, q) - c.expected[i])).toBeLessThan(1e-12));
  });

  it('draws the pinned stream: the runner’s mulberry32(fmix32(42)) begins 0.48698886…, 0.50504879…, 0.07134048…', () => {
    const u = seededUniform(42);
    expect([u(), u(), u()]).toEqual([0.4869888692628592, 0.5050487946718931, 0.07134048454463482]);
  });

  const players = ['m0', 'm1', 'm2', 'm3'];
  const votes = reference.bradleyTerry[3].comparisons
    .filter((c) => c.a < 4 && c.b < 4)
    .map((c) => ({ a: players[c.a], b: players[c.b], outcome: c.outcome }));
  const fid = {
    metricId: 'fid',
    higherIsBetter: false,
    values: new Map([
      ['m0', 30],
      ['m1', 20],
      ['m2', 10],
    ]),
  };

  it('is reproducible: same votes and seed give identical ratings and intervals; another seed moves only the intervals', () => {
    const one = rateArena(players, votes, [fid], { seed: 5, resamples: 200 });
    const two = rateArena(players, votes, [fid], { seed: 5, resamples: 200 });
    expect(two).toEqual(one);
    const other = rateArena(players, votes, [fid], { seed: 6, resamples: 200 });
    expect(other.ratings.map((r) => r.rating)).toEqual(one.ratings.map((r) => r.rating));
    expect(other.ratings.map((r) => r.low)).not.toEqual(one.ratings.map((r) => r.low));
  });

  it('intervals contain the point rating and τ is computed over players with the metric, oriented by higherIsBetter', () => {
    const result = rateArena(players, votes, [fid], { seed: 1, resamples: 300 });
    for (const r of result.ratings) {
      expect(r.low).toBeLessThanOrEqual(r.rating);
      expect(r.high).toBeGreaterThanOrEqual(r.rating);
    }
    const [agreement] = result.agreement;
    expect(agreement.n).toBe(3);
    const theta = result.ratings.slice(0, 3).map((r) => r.theta);
    expect(agreement.tau).toBe(kendallTauB(theta, [-30, -20, -10]));
    expect(agreement.low).toBeLessThanOrEqual(agreement.high);
  });
});
