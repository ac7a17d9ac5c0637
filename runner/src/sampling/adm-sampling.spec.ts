import { describe, expect, it } from 'vitest';
import { respacedBetas, spaceTimesteps } from '../../../contracts/sampling/respace.js';
import { type SampleOptions, sample } from './samplers.js';
import { planSampling } from '../../../contracts/sampling/sampler-plan.js';
import { alphasCumprod } from '../../../contracts/sampling/schedules.js';
import {
  exactReverse,
  gaussianAdmDenoiser,
  gaussianClassifier,
  linearAlphasCumprod,
  linearClassifier,
} from '../../../test/support/oracles/gaussian-adm-denoiser.js';

/*
 * ADM's sampling (respace.ts, ancestral.ts, samplers.ts `ddpm`, classifier guidance) on analytic models:
 * Gaussian data under DDPM's linear schedule, with a network whose ε and learned-range variance are exact
 * (testing/gaussian-adm-denoiser.ts), and classifiers whose gradients are known in closed form.
 */

const SCHEDULE = { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000 } as const;
const ABAR = linearAlphasCumprod(1000, 1e-4, 0.02);

describe('spaceTimesteps', () => {
  // Expected values printed by guided-diffusion's own `space_timesteps` (respace.py), sorted.
  it('matches guided-diffusion on section counts and ddimN', () => {
    expect(spaceTimesteps(300, '10,15,20')).toEqual([
      0, 11, 22, 33, 44, 55, 66, 77, 88, 99, 100, 107, 114, 121, 128, 135, 142, 149, 157, 164, 171, 178, 185, 192, 199, 200, 205, 210, 216,
      221, 226, 231, 236, 242, 247, 252, 257, 263, 268, 273, 278, 283, 289, 294, 299,
    ]);
    expect(spaceTimesteps(1000, 'ddim25')).toEqual(Array.from({ length: 25 }, (_, k) => 40 * k));
    expect(spaceTimesteps(1000, 'ddim7')).toEqual([0, 143, 286, 429, 572, 715, 858]);
    expect(spaceTimesteps(1000, '25')).toEqual([
      0, 42, 83, 125, 166, 208, 250, 291, 333, 375, 416, 458, 500, 541, 583, 624, 666, 708, 749, 791, 832, 874, 916, 957, 999,
    ]);
    expect(spaceTimesteps(7, '2,3')).toEqual([0, 3, 4, 5, 6]);
    // round(2.5) = 2 in Python: half to even.
    expect(spaceTimesteps(6, '3')).toEqual([0, 2, 5]);
    for (const [counts, n, first, last, sum] of [
      ['250', 250, [0, 4, 8, 12, 16, 20, 24, 28], [987, 991, 995, 999], 124875],
      ['100', 100, [0, 10, 20, 30, 40, 50, 61, 71], [969, 979, 989, 999], 49950],
      ['10,20,30,40', 100, [0, 28, 55, 83, 111, 138, 166, 194], [980, 986, 993, 999], 62450],
    ] as const) {
      const kept = spaceTimesteps(1000, counts);
      expect(kept.length, counts).toBe(n);
      expect(kept.slice(0, 8), counts).toEqual(first);
      expect(kept.slice(-4), counts).toEqual(last);
      expect(
        kept.reduce((a, b) => a + b, 0),
        counts,
      ).toBe(sum);
    }
  });

  it('refuses what guided-diffusion refuses, and malformed strings', () => {
    expect(() => spaceTimesteps(10, '4,4,4')).toThrow(/cannot divide a section of 3 steps into 4/);
    expect(() => spaceTimesteps(10, 'ddim6')).toThrow(/cannot create exactly 6 steps/);
    expect(() => spaceTimesteps(1000, '25 steps')).toThrow(/section counts/);
    expect(() => spaceTimesteps(1000, '0')).toThrow(/section counts/);
  });

  it('recomputes β from the kept ᾱ, so the respaced ᾱ are the kept ones', () => {
    const kept = spaceTimesteps(1000, '25');
    const keptAbar = kept.map((n) => ABAR[n]!);
    const betas = respacedBetas(keptAbar);
    let acc = 1;
    betas.forEach((beta, k) => {
      acc *= 1 - beta;
      expect(acc).toBeCloseTo(keptAbar[k]!, 12);
    });
    expect(betas[0]).toBeCloseTo(1e-4, 15);
  });
});

describe('planSampling with respacing', () => {
  const model = { schedule: SCHEDULE, prediction: 'eps', timeInput: 'index', conditional: false } as const;

  it('walks the kept indices, largest first, then the clean end, feeding the original index', () => {
    const plan = planSampling({ solver: 'ddpm', steps: 25, respacing: '25' }, model);
    expect(plan.spacing).toBe('respaced');
    expect(plan.nodes.map((n) => n.time)).toEqual([...spaceTimesteps(1000, '25').reverse(), -1]);
    expect(plan.nodes[3]!.alpha).toBe(Math.sqrt(alphasCumprod({ ...SCHEDULE, continuous: false })[plan.nodes[3]!.time]!));
    expect(plan.variance).toBe('fixed-small');
  });

  it('says why a respacing does not fit', () => {
    expect(() => planSampling({ solver: 'ddpm', steps: 250, respacing: '25' }, model)).toThrow(/keeps 25 .* but steps is 250/);
    expect(() => planSampling({ solver: 'ddim', steps: 25, respacing: 'ddim25', spacing: 'trailing' }, model)).toThrow(/not both/);
    expect(() =>
      planSampling({ solver: 'ddim', steps: 25, respacing: '25' }, { ...model, schedule: { ...SCHEDULE, continuous: true } }),
    ).toThrow(/discrete VP schedule/);
    expect(() => planSampling({ solver: 'ddpm', steps: 25, respacing: '25', variance: 'learned-range' }, model)).toThrow(
      /learned variances/,
    );
    expect(() => planSampling({ solver: 'ddpm', steps: 25, respacing: '25', classifier_scale: 1 }, model)).toThrow(/classifier/);
    expect(() => planSampling({ solver: 'euler', steps: 25, variance: 'fixed-small' }, model)).toThrow(/ddpm solver only/);
  });
});

/** Sample mean and variance of every value of `x`. */
function moments(x: Float32Array): { mean: number; variance: number } {
  let sum = 0;
  for (const v of x) sum += v;
  const mean = sum / x.length;
  let ss = 0;
  for (const v of x) ss += (v - mean) ** 2;
  return { mean, variance: ss / (x.length - 1) };
}

const MU = 0.3;
const STD = 0.5;
const ROWS = 2048;
const PER_SAMPLE = 8;

function admOptions(respacing: string, extra: Partial<SampleOptions> = {}): SampleOptions {
  const kept = spaceTimesteps(1000, respacing);
  return {
    solver: 'ddpm',
    steps: kept.length,
    respacing,
    schedule: SCHEDULE,
    prediction: 'eps',
    timeInput: 'index',
    shape: [PER_SAMPLE],
    seed: 7,
    indices: Int32Array.from({ length: ROWS }, (_, i) => i),
    learnedVariance: true,
    denoise: gaussianAdmDenoiser({ alphasCumprod: ABAR, kept, mean: () => MU, std: STD, perSample: PER_SAMPLE }),
    ...extra,
  };
}

describe('the ancestral sampler on Gaussian data with an exact learned-variance network', () => {
  // 16,384 values: the sample mean's standard error is 0.5/√16384 ≈ 0.0039 and the sample variance's relative
  // standard error √(2/16384) ≈ 1.1%; the tolerances are about 3.5 standard errors. The noise is keyed by the
  // seed, so the numbers are fixed; the bias of the method itself (x_T = σ_T·z ignoring α_T·μ ≈ 0.002, the
  // noise-free last step's Var(x0 | x_0) ≈ 1e-4) is far below them.
  for (const respacing of ['250', '100', '25']) {
    it(`draws N(${MU}, ${STD}²) at respaced ${respacing} steps: mean within 0.014, variance within 4%`, async () => {
      const { images, record } = await sample(admOptions(respacing));
      const { mean, variance } = moments(images);
      expect(Math.abs(mean - MU)).toBeLessThan(0.014);
      expect(Math.abs(variance / (STD * STD) - 1)).toBeLessThan(0.04);
      expect(record).toMatchObject({ solver: 'ddpm', spacing: 'respaced', respacing, variance: 'learned-range' });
      expect(record.timeInputs[0]).toBe(999);
    });
  }

  it('at 25 steps the learned variance lands closer to the target variance than fixed-small', async () => {
    const learned = moments((await sample(admOptions('25'))).images);
    const small = moments((await sample(admOptions('25', { variance: 'fixed-small' }))).images);
    const target = STD * STD;
    // β̃ < Var(x_s | x_t) on every step: fixed-small under-disperses, by several standard errors at 25 steps.
    expect(small.variance).toBeLessThan(target * 0.96);
    expect(Math.abs(learned.variance - target)).toBeLessThan(Math.abs(small.variance - target) / 2);
  });

  it('with fixed-small is DDIM η = 1 on the same respaced grid and noise', async () => {
    const a = (await sample(admOptions('25', { variance: 'fixed-small' }))).images;
    const b = (await sample(admOptions('25', { solver: 'ddim', eta: 1 }))).images;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    expect(worst).toBeLessThan(2e-5);
  });
});

describe('classifier guidance', () => {
  const classMean = (y: number) => (y === 0 ? -0.4 : 0.6);
  const conditional = (respacing: string, extra: Partial<SampleOptions> = {}) => {
    const kept = spaceTimesteps(1000, respacing);
    return admOptions(respacing, {
      classes: Int32Array.from({ length: ROWS }, (_, i) => i % 2),
      denoise: gaussianAdmDenoiser({
        alphasCumprod: ABAR,
        kept,
        mean: (y) => classMean(y!),
        std: STD,
        perSample: PER_SAMPLE,
      }),
      ...extra,
    });
  };

  it('a constant gradient g moves the class-conditional mean by Σ_k s·Σ_k·g·Π_{j>k} (c1_j·A_j + c2_j)', async () => {
    const scale = 2.5;
    const g = (y: number) => (y === 0 ? 0.8 : -0.3);
    const kept = spaceTimesteps(1000, '25');
    const plain = (await sample(conditional('25'))).images;
    const guided = (await sample(conditional('25', { classifier_scale: scale, classifierGradient: linearClassifier(g) }))).images;
    // The step leaving kept index k maps x to c1·x̂0(x) + c2·x, x̂0 affine with slope A: a shift δ of x_t
    // becomes (c1·A + c2)·δ, and the step adds s·Σ·g; the network's variance is exact, so Σ = Var(x_s | x_t).
    let shift = 0;
    for (let k = kept.length - 1; k >= 0; k--) {
      const abarT = ABAR[kept[k]!]!;
      const abarS = k === 0 ? 1 : ABAR[kept[k - 1]!]!;
      const beta = 1 - abarT / abarS;
      const c1 = (beta * Math.sqrt(abarS)) / (1 - abarT);
      const c2 = ((1 - abarS) * Math.sqrt(1 - beta)) / (1 - abarT);
      const { variance, x0Slope } = exactReverse({ alphasCumprod: ABAR, kept, mean: () => 0, std: STD, perSample: 1 }, k);
      shift = (c1 * x0Slope + c2) * shift + scale * variance;
    }
    for (const y of [0, 1]) {
      let worst = 0;
      for (let i = 0; i < guided.length; i++) {
        if (Math.floor(i / PER_SAMPLE) % 2 !== y) continue;
        worst = Math.max(worst, Math.abs(guided[i]! - plain[i]! - shift * g(y)));
      }
      expect(worst, `class ${y}`).toBeLessThan(1e-4);
    }
    expect(Math.abs(shift * g(0))).toBeGreaterThan(0.05);
  });

  it("a Gaussian classifier's exact gradient shifts each step's mean by s·Σ·∇ log p(y | x_t)", async () => {
    // Two respaced steps (999 → 0 → clean): the guided output differs from the unguided one (same noise) by
    // A_0·s·Σ_999·∇(x_999) from the first step, carried through x̂0's slope A_0, plus s·Σ_0·∇(x_0) from the last.
    const scale = 3;
    const kept = spaceTimesteps(1000, '2');
    expect(kept).toEqual([0, 999]);
    const { gradient, calls } = gaussianClassifier(ABAR, (y) => (y === 0 ? 0.5 : -0.5), 0.2);
    const plain = (await sample(conditional('2'))).images;
    const guided = (await sample(conditional('2', { classifier_scale: scale, classifierGradient: gradient }))).images;
    expect(calls.map((c) => c.time)).toEqual([999, 0]);
    const grads = await Promise.all(
      calls.map((c) =>
        gradient(
          c.x,
          new Float32Array(ROWS).fill(c.time),
          Int32Array.from({ length: ROWS }, (_, i) => i % 2),
        ),
      ),
    );
    const opts = { alphasCumprod: ABAR, kept, mean: () => 0, std: STD, perSample: 1 };
    const first = exactReverse(opts, 1);
    const last = exactReverse(opts, 0);
    let worst = 0;
    let moved = 0;
    for (let i = 0; i < guided.length; i++) {
      const expected = last.x0Slope * scale * first.variance * grads[0]![i]! + scale * last.variance * grads[1]![i]!;
      worst = Math.max(worst, Math.abs(guided[i]! - plain[i]! - expected));
      moved = Math.max(moved, Math.abs(expected));
    }
    expect(worst).toBeLessThan(1e-4);
    expect(moved).toBeGreaterThan(0.1);
  });

  it('under DDIM shifts ε̂ by −σ_t·s·∇ (condition_score): a constant gradient moves the deterministic output', async () => {
    const g = () => 0.5;
    const base = { solver: 'ddim' as const, eta: 0, learnedVariance: true };
    const plain = (await sample(conditional('ddim25', base))).images;
    const guided = (await sample(conditional('ddim25', { ...base, classifier_scale: 1, classifierGradient: linearClassifier(g) }))).images;
    const diff = moments(Float32Array.from(guided, (v, i) => v - plain[i]!));
    // Guidance along +g raises every sample by the same amount (the map is affine with a constant forcing).
    expect(diff.mean).toBeGreaterThan(0.01);
    expect(diff.variance).toBeLessThan(1e-9);
  });
});
