import { describe, expect, it } from 'vitest';
import { DenoiserOutputError, SamplingConfigError } from '../../../contracts/sampling/errors.js';
import { batchNormals } from './noise.js';
import type { PredictionType } from '../../../contracts/sampling/prediction-type.js';
import { sample, type Denoiser, type SampleOptions, type SampleResult } from './samplers.js';
import { SamplerParams, expectedNfe, type Solver } from '../../../contracts/sampling/sampler-plan.js';
import { Schedule, noiseLevel, type ScheduleInput, type TimeInput } from '../../../contracts/sampling/schedules.js';
import { exactFlowMap, gaussianDenoiser, type GaussianTarget } from './testing/gaussian-denoiser.js';

/*
 * Target: x0 ~ N(μ, s²·I) on 2×2×2 samples, sampled with the ideal denoiser (testing/gaussian-denoiser.ts).
 * 2000 samples give a per-coordinate mean with standard error s/√2000 = 0.0067 and a pooled variance with
 * relative standard error √(2/16000) = 1.1%. The seed is fixed, so every check below is deterministic.
 */
const SHAPE = [2, 2, 2] as const;
const D = 8;
const MU = Float64Array.from([0.5, -0.3, 0.1, 0.8, -0.6, 0.2, 0, 0.4]);
const STD = 0.3;
const TARGET: GaussianTarget = { mean: () => MU, std: STD };
const N = 2000;
const INDICES = Array.from({ length: N }, (_, i) => i);
const SEED = 1;

/** Stated tolerances for "the samples are N(μ, s²)". */
const MEAN_TOLERANCE = 0.035; // ≈ 5 standard errors
const VARIANCE_TOLERANCE = { firstOrder: 0.08, secondOrder: 0.04 }; // |var/s² − 1|

const SCHEDULES = {
  'vp-linear': { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000 },
  'vp-cosine': { kind: 'vp-cosine', steps: 1000 },
  'vp-linear continuous': { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000, continuous: true },
  edm: { kind: 'edm', sigma_min: 0.002, sigma_max: 80, sigma_data: 0.5 },
  'linear-interpolant': { kind: 'linear-interpolant' },
} satisfies Record<string, ScheduleInput>;
type ScheduleName = keyof typeof SCHEDULES;

interface Run {
  schedule: ScheduleName;
  solver: Solver;
  steps: number;
  prediction: PredictionType;
  timeInput: TimeInput;
  eta?: number;
  seed?: number;
  indices?: number[];
}

const cache = new Map<string, Promise<SampleResult>>();

/** Samples the Gaussian target with the ideal denoiser declared as `run` says (memoised per configuration). */
function draw(run: Run, denoise?: Denoiser): Promise<SampleResult> {
  const key = JSON.stringify(run);
  const make = () => {
    const schedule = SCHEDULES[run.schedule];
    const network =
      denoise ?? gaussianDenoiser({ schedule, timeInput: run.timeInput, prediction: run.prediction, target: TARGET, perSample: D }).denoise;
    return sample({
      solver: run.solver,
      steps: run.steps,
      eta: run.eta,
      schedule,
      prediction: run.prediction,
      timeInput: run.timeInput,
      shape: SHAPE,
      seed: run.seed ?? SEED,
      indices: run.indices ?? INDICES,
      denoise: network,
    });
  };
  if (denoise) return make();
  if (!cache.has(key)) cache.set(key, make());
  return cache.get(key)!;
}

function moments(images: Float32Array): { meanError: number; varianceRatio: number; means: Float64Array } {
  const rows = images.length / D;
  const means = new Float64Array(D);
  for (let i = 0; i < images.length; i++) means[i % D]! += images[i]! / rows;
  let ss = 0;
  for (let i = 0; i < images.length; i++) ss += (images[i]! - means[i % D]!) ** 2;
  const variance = ss / (images.length - D);
  let meanError = 0;
  for (let d = 0; d < D; d++) meanError = Math.max(meanError, Math.abs(means[d]! - MU[d]!));
  return { meanError, varianceRatio: variance / STD ** 2, means };
}

function matchesTarget(images: Float32Array, varianceTolerance: number): boolean {
  const { meanError, varianceRatio } = moments(images);
  return meanError < MEAN_TOLERANCE && Math.abs(varianceRatio - 1) < varianceTolerance;
}

/** RMS distance to where the exact probability-flow ODE takes the same initial noise. */
function flowMapError(result: SampleResult, run: Run): number {
  const schedule = Schedule.parse(SCHEDULES[run.schedule]);
  const { alpha, sigma } = noiseLevel(schedule, result.record.times[0]!);
  const z = batchNormals(run.seed ?? SEED, run.indices ?? INDICES, D, 0);
  const exact = exactFlowMap(
    z.map((v) => v * sigma),
    alpha,
    sigma,
    MU,
    STD,
  );
  let ss = 0;
  for (let i = 0; i < exact.length; i++) ss += (exact[i]! - result.images[i]!) ** 2;
  return Math.sqrt(ss / exact.length);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const NATIVE_INPUT: Record<ScheduleName, TimeInput> = {
  'vp-linear': 'index',
  'vp-cosine': 'index',
  'vp-linear continuous': 't',
  edm: 'sigma',
  'linear-interpolant': 't',
};

/** Prediction types each schedule is exercised with (velocity needs continuous time; eps/score not at α = 0). */
const PREDICTIONS: Record<ScheduleName, PredictionType[]> = {
  'vp-linear': ['eps', 'x0', 'v', 'score'],
  'vp-cosine': ['eps', 'x0', 'v'],
  'vp-linear continuous': ['eps', 'v', 'velocity'],
  edm: ['eps', 'x0', 'v', 'score'],
  'linear-interpolant': ['x0', 'v', 'velocity'],
};

/** Steps at which each solver is expected to land on the target within the stated tolerance. */
const SOLVERS: Array<{ name: string; solver: Solver; steps: number; eta?: number; tolerance: number }> = [
  { name: 'ddim η=0', solver: 'ddim', steps: 250, tolerance: VARIANCE_TOLERANCE.firstOrder },
  { name: 'euler', solver: 'euler', steps: 250, tolerance: VARIANCE_TOLERANCE.firstOrder },
  { name: 'heun', solver: 'heun', steps: 125, tolerance: VARIANCE_TOLERANCE.secondOrder },
  { name: 'dpmpp-2m', solver: 'dpmpp-2m', steps: 100, tolerance: VARIANCE_TOLERANCE.secondOrder },
];

describe('sampling the Gaussian target with the ideal denoiser', () => {
  for (const { name, solver, steps, eta, tolerance } of SOLVERS) {
    for (const schedule of Object.keys(SCHEDULES) as ScheduleName[]) {
      const first = PREDICTIONS[schedule][0]!;
      it.each(PREDICTIONS[schedule])(`${name}, ${steps} steps, ${schedule}: %s prediction gives N(μ, s²)`, async (prediction) => {
        const run: Run = { schedule, solver, steps, eta, prediction, timeInput: NATIVE_INPUT[schedule] };
        const result = await draw(run);
        const { meanError, varianceRatio } = moments(result.images);
        expect(meanError).toBeLessThan(MEAN_TOLERANCE);
        expect(Math.abs(varianceRatio - 1)).toBeLessThan(tolerance);
        // Conversions are exact up to float32 rounding: every prediction type yields the same samples.
        const reference = await draw({ ...run, prediction: first });
        expect(maxAbsDiff(result.images, reference.images)).toBeLessThan(2e-3);
      });
    }
  }

  it.each([
    ['vp-linear', 'eps'],
    ['linear-interpolant', 'velocity'],
  ] as const)('ddim η=1 (ancestral), 1000 steps, %s: %s prediction gives N(μ, s²)', async (schedule, prediction) => {
    const result = await draw({
      schedule,
      solver: 'ddim',
      steps: 1000,
      eta: 1,
      prediction,
      timeInput: NATIVE_INPUT[schedule],
    });
    expect(matchesTarget(result.images, VARIANCE_TOLERANCE.firstOrder)).toBe(true);
  });

  it('the check fails for a mis-declared model (negative controls)', async () => {
    const schedule = SCHEDULES['vp-linear'];
    // the network predicts x0 but is declared as predicting eps
    const x0Network = gaussianDenoiser({
      schedule,
      timeInput: 'index',
      prediction: 'x0',
      target: TARGET,
      perSample: D,
    }).denoise;
    const wrongType = await draw(
      { schedule: 'vp-linear', solver: 'dpmpp-2m', steps: 100, prediction: 'eps', timeInput: 'index' },
      x0Network,
    );
    expect(matchesTarget(wrongType.images, VARIANCE_TOLERANCE.secondOrder)).toBe(false);
    // the network was trained on the cosine schedule but is sampled as linear
    const cosineNetwork = gaussianDenoiser({
      schedule: SCHEDULES['vp-cosine'],
      timeInput: 'index',
      prediction: 'eps',
      target: TARGET,
      perSample: D,
    }).denoise;
    const wrongSchedule = await draw(
      { schedule: 'vp-linear', solver: 'dpmpp-2m', steps: 100, prediction: 'eps', timeInput: 'index' },
      cosineNetwork,
    );
    expect(matchesTarget(wrongSchedule.images, VARIANCE_TOLERANCE.secondOrder)).toBe(false);
  });
});

describe('time-input conventions', () => {
  it.each([
    ['vp-linear', 'dpmpp-2m', ['index', 't', 'sigma', 'log_sigma']],
    ['vp-linear', 'heun', ['index', 't', 'sigma', 'log_sigma']],
    ['vp-cosine', 'ddim', ['index', 't', 'sigma', 'log_sigma']],
    ['vp-linear continuous', 'euler', ['t', 'index', 'sigma', 'log_sigma']],
    ['edm', 'heun', ['sigma', 'log_sigma']],
  ] as const)('%s with %s: every convention gives the same samples', async (schedule, solver, inputs) => {
    const results = await Promise.all(
      inputs.map((timeInput) => draw({ schedule, solver, steps: 20, prediction: 'eps', timeInput, indices: INDICES.slice(0, 200) })),
    );
    const [first, ...rest] = results;
    // float32 time inputs shift the noise level the network reads by ~1e-7 relative
    for (const r of rest) expect(maxAbsDiff(r.images, first!.images)).toBeLessThan(1e-3);
    // not vacuous: 200 samples, 20 steps, still roughly the target
    const { meanError, varianceRatio } = moments(first!.images);
    expect(meanError).toBeLessThan(0.1);
    expect(Math.abs(varianceRatio - 1)).toBeLessThan(0.5);
  });

  it('feeds each convention as documented', async () => {
    const seen: number[][] = [];
    const network = gaussianDenoiser({
      schedule: SCHEDULES['vp-linear'],
      timeInput: 't',
      prediction: 'eps',
      target: TARGET,
      perSample: D,
    });
    await draw(
      { schedule: 'vp-linear', solver: 'ddim', steps: 10, prediction: 'eps', timeInput: 't', indices: [0, 1] },
      async (x, t, c) => {
        seen.push(Array.from(t));
        return network.denoise(x, t, c);
      },
    );
    expect(seen.map((t) => t[0])).toEqual([1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1].map(Math.fround));
    expect(seen.every((t) => t.length === 2 && t[0] === t[1])).toBe(true);
  });
});

describe('solver accuracy at equal network evaluations', () => {
  // NFE 49: Euler 49 steps, Heun 25 steps (2·25 − 1), DPM-Solver++(2M) 49 steps.
  it.each([
    ['edm', 'eps'],
    ['vp-linear', 'eps'],
    ['linear-interpolant', 'velocity'],
  ] as const)(
    '%s: Heun and DPM-Solver++(2M) land closer to the exact ODE solution and the target than Euler',
    async (schedule, prediction) => {
      const timeInput = NATIVE_INPUT[schedule];
      const runs = {
        euler: { schedule, solver: 'euler', steps: 49, prediction, timeInput },
        heun: { schedule, solver: 'heun', steps: 25, prediction, timeInput },
        dpmpp: { schedule, solver: 'dpmpp-2m', steps: 49, prediction, timeInput },
      } satisfies Record<string, Run>;
      const [euler, heun, dpmpp] = await Promise.all([draw(runs.euler), draw(runs.heun), draw(runs.dpmpp)]);
      expect(euler.nfe).toBe(49);
      expect(heun.nfe).toBe(49);
      expect(dpmpp.nfe).toBe(49);
      const error = {
        euler: flowMapError(euler, runs.euler),
        heun: flowMapError(heun, runs.heun),
        dpmpp: flowMapError(dpmpp, runs.dpmpp),
      };
      expect(error.heun).toBeLessThan(0.6 * error.euler);
      expect(error.dpmpp).toBeLessThan(0.6 * error.euler);
      const varianceError = (r: SampleResult) => Math.abs(moments(r.images).varianceRatio - 1);
      expect(varianceError(heun)).toBeLessThan(varianceError(euler));
      expect(varianceError(dpmpp)).toBeLessThan(varianceError(euler));
    },
  );

  it.each([
    ['euler', 1, 40, 0.8, 1.2],
    ['heun', 1, 20, 1.7, 2.5],
    ['dpmpp-2m', 1, 40, 1.7, 2.5],
  ] as const)(
    '%s converges with the order it claims on EDM (observed order in [%s·%s steps → 2×])',
    async (solver, _unused, steps, lo, hi) => {
      const run = (k: number): Run => ({
        schedule: 'edm',
        solver,
        steps: k,
        prediction: 'eps',
        timeInput: 'sigma',
        indices: INDICES.slice(0, 500),
      });
      const coarse = flowMapError(await draw(run(steps)), run(steps));
      const fine = flowMapError(await draw(run(2 * steps)), run(2 * steps));
      const order = Math.log2(coarse / fine);
      expect(order).toBeGreaterThan(lo);
      expect(order).toBeLessThan(hi);
    },
  );
});

describe('DDIM', () => {
  /**
   * With the ideal Gaussian denoiser each DDIM step is affine per coordinate, x_s = A·x_t + B + c·z, so the
   * output mean and variance follow a scalar recursion; c is DDIM's σ_t(η), written here in the paper's VP
   * form c² = η²·(1 − ᾱ_s)/(1 − ᾱ_t)·(1 − ᾱ_t/ᾱ_s).
   */
  function predictedMoments(times: number[], eta: number): { mean: Float64Array; variance: number } {
    const schedule = Schedule.parse(SCHEDULES['vp-linear']);
    const levels = times.map((t) => noiseLevel(schedule, t));
    let variance = levels[0]!.sigma ** 2;
    const mean = new Float64Array(D);
    const s2 = STD * STD;
    for (let k = 0; k + 1 < levels.length; k++) {
      const { alpha: at, sigma: st } = levels[k]!;
      const { alpha: as, sigma: ss } = levels[k + 1]!;
      const abarT = at * at;
      const abarS = as * as;
      const c = ss === 0 ? 0 : eta * Math.sqrt(((1 - abarS) / (1 - abarT)) * (1 - abarT / abarS));
      const denom = at * at * s2 + st * st;
      // x̂0 = μ + (α_t s²/denom)(x − α_t μ), ε̂ = (σ_t/denom)(x − α_t μ)
      const slope = as * ((at * s2) / denom) + Math.sqrt(Math.max(ss * ss - c * c, 0)) * (st / denom);
      for (let d = 0; d < D; d++) mean[d] = as * MU[d]! + slope * (mean[d]! - at * MU[d]!);
      variance = slope * slope * variance + c * c;
    }
    return { mean, variance };
  }

  it.each([0, 0.5, 1])('η = %s: output moments follow the exact DDIM recursion', async (eta) => {
    const result = await draw({
      schedule: 'vp-linear',
      solver: 'ddim',
      steps: 20,
      eta,
      prediction: 'eps',
      timeInput: 'index',
    });
    const predicted = predictedMoments(result.record.times, eta);
    const { means } = moments(result.images);
    let ss = 0;
    for (let i = 0; i < result.images.length; i++) ss += (result.images[i]! - means[i % D]!) ** 2;
    const variance = ss / (result.images.length - D);
    // far from the target at 20 steps, but exactly where DDIM's update says (within sampling error)
    expect(Math.abs(variance / predicted.variance - 1)).toBeLessThan(5 * Math.sqrt(2 / (N * D)));
    const se = Math.sqrt(predicted.variance / N);
    for (let d = 0; d < D; d++) expect(Math.abs(means[d]! - predicted.mean[d]!)).toBeLessThan(5 * se);
    if (eta === 1) {
      // and the noise matters: the deterministic recursion would predict a visibly different variance
      expect(Math.abs(predicted.variance / predictedMoments(result.record.times, 0).variance - 1)).toBeGreaterThan(0.1);
    }
  });

  it('η = 0 is deterministic; η = 1 is stochastic but reproducible for a seed', async () => {
    const run = (eta: number, seed: number) =>
      draw(
        {
          schedule: 'vp-linear',
          solver: 'ddim',
          steps: 10,
          eta,
          prediction: 'eps',
          timeInput: 'index',
          seed,
          indices: [0, 1, 2, 3],
        },
        gaussianDenoiser({
          schedule: SCHEDULES['vp-linear'],
          timeInput: 'index',
          prediction: 'eps',
          target: TARGET,
          perSample: D,
        }).denoise,
      );
    const a = await run(0, 5);
    const b = await run(0, 5);
    expect(Array.from(a.images)).toEqual(Array.from(b.images));
    const c = await run(1, 5);
    const d = await run(1, 5);
    expect(Array.from(c.images)).toEqual(Array.from(d.images));
    expect(maxAbsDiff(c.images, a.images)).toBeGreaterThan(0.01);
    const e = await run(1, 6);
    expect(maxAbsDiff(e.images, c.images)).toBeGreaterThan(0.01);
  });
});

describe('network evaluations', () => {
  it.each([
    ['ddim', 10, 10],
    ['euler', 10, 10],
    ['heun', 10, 19],
    ['dpmpp-2m', 10, 10],
    ['heun', 1, 1],
  ] as const)('%s with %i steps makes exactly %i calls', async (solver, steps, nfe) => {
    const network = gaussianDenoiser({
      schedule: SCHEDULES.edm,
      timeInput: 'sigma',
      prediction: 'x0',
      target: TARGET,
      perSample: D,
    });
    const result = await draw(
      { schedule: 'edm', solver, steps, prediction: 'x0', timeInput: 'sigma', indices: [0, 1, 2] },
      network.denoise,
    );
    expect(expectedNfe(solver, steps)).toBe(nfe);
    expect(network.calls).toHaveLength(nfe);
    expect(result.nfe).toBe(nfe);
    expect(result.networkEvaluations).toBe(nfe);
    expect(result.record).toMatchObject({ nfe, cfg: false, steps, solver });
    expect(network.calls.every((c) => c.rows === 3)).toBe(true);
  });

  it('records what was run', async () => {
    const result = await draw({
      schedule: 'vp-linear',
      solver: 'heun',
      steps: 4,
      prediction: 'eps',
      timeInput: 'index',
      indices: [0],
    });
    expect(result.record).toMatchObject({ spacing: 'karras', frame: 'karras', guidance: 1, eta: 0 });
    expect(result.record.times).toHaveLength(5);
    expect(result.record.times[0]).toBe(999);
    expect(result.record.times[4]).toBe(-1);
    expect(result.record.timeInputs).toHaveLength(4);
    const ddim = await draw({
      schedule: 'vp-linear',
      solver: 'ddim',
      steps: 4,
      prediction: 'eps',
      timeInput: 'index',
      indices: [0],
    });
    expect(ddim.record).toMatchObject({ spacing: 'trailing', frame: null, times: [999, 749, 499, 249, -1] });
    const flow = await draw({
      schedule: 'linear-interpolant',
      solver: 'euler',
      steps: 4,
      prediction: 'velocity',
      timeInput: 't',
      indices: [0],
    });
    expect(flow.record).toMatchObject({ spacing: 'uniform', frame: 'flow', times: [1, 0.75, 0.5, 0.25, 0] });
  });

  it('reports progress after every step and honours an abort signal', async () => {
    const network = gaussianDenoiser({
      schedule: SCHEDULES.edm,
      timeInput: 'sigma',
      prediction: 'eps',
      target: TARGET,
      perSample: D,
    });
    const events: Array<{ step: number; nfe: number }> = [];
    const base = {
      solver: 'heun',
      steps: 5,
      schedule: SCHEDULES.edm,
      prediction: 'eps',
      timeInput: 'sigma',
      shape: SHAPE,
      seed: 0,
      indices: [0],
      denoise: network.denoise,
    } satisfies SampleOptions;
    await sample({ ...base, onStep: (e) => events.push({ step: e.step, nfe: e.nfe }) });
    expect(events).toEqual([1, 2, 3, 4, 5].map((step) => ({ step, nfe: Math.min(2 * step, 9) })));
    const controller = new AbortController();
    const aborted = sample({
      ...base,
      onStep: (e) => e.step === 2 && controller.abort(new Error('cancelled')),
      signal: controller.signal,
    });
    await expect(aborted).rejects.toThrow('cancelled');
  });
});

describe('batching', () => {
  const classes = (indices: number[]) => Int32Array.from(indices, (i) => i % 5);
  const conditional: GaussianTarget = {
    mean: (label) => (label === undefined || label === 10 ? MU : MU.map((m) => m + 0.2 * label)),
    std: STD,
  };

  async function inBatches(solver: Solver, eta: number, guidance: number, batch: number): Promise<Float32Array> {
    const indices = Array.from({ length: 64 }, (_, i) => 100 + i);
    const out = new Float32Array(64 * D);
    for (let start = 0; start < 64; start += batch) {
      const part = indices.slice(start, start + batch);
      const network = gaussianDenoiser({
        schedule: SCHEDULES['vp-linear'],
        timeInput: 'index',
        prediction: 'v',
        target: conditional,
        perSample: D,
      });
      const result = await sample({
        solver,
        steps: 12,
        eta,
        guidance,
        schedule: SCHEDULES['vp-linear'],
        prediction: 'v',
        timeInput: 'index',
        shape: SHAPE,
        seed: 3,
        indices: part,
        classes: classes(part),
        nullClass: 10,
        denoise: network.denoise,
      });
      out.set(result.images, start * D);
    }
    return out;
  }

  it.each([
    ['ddim', 1, 2],
    ['heun', 0, 1],
    ['dpmpp-2m', 0, 4],
  ] as const)('%s (η=%s, guidance %s): identical images in batches of 64, 7 and 1', async (solver, eta, guidance) => {
    const whole = Array.from(await inBatches(solver, eta, guidance, 64));
    expect(Array.from(await inBatches(solver, eta, guidance, 7))).toEqual(whole);
    expect(Array.from(await inBatches(solver, eta, guidance, 1))).toEqual(whole);
  });
});

describe('classifier-free guidance', () => {
  const conditional: GaussianTarget = {
    mean: (label) => (label === undefined || label === 7 ? MU : MU.map((m, d) => m + (d % 2 ? 0.5 : -0.5) * (label + 1))),
    std: STD,
  };
  const indices = Array.from({ length: 50 }, (_, i) => i);
  const labels = Int32Array.from(indices, (i) => i % 3);

  function guided(prediction: PredictionType, guidance: number, nullClass: number | undefined, denoise?: Denoiser) {
    const network = gaussianDenoiser({
      schedule: SCHEDULES['vp-linear'],
      timeInput: 'index',
      prediction,
      target: conditional,
      perSample: D,
    });
    return {
      network,
      result: sample({
        solver: 'dpmpp-2m',
        steps: 15,
        guidance,
        schedule: SCHEDULES['vp-linear'],
        prediction,
        timeInput: 'index',
        shape: SHAPE,
        seed: 2,
        indices,
        classes: labels,
        nullClass,
        denoise: denoise ?? network.denoise,
      }),
    };
  }

  it('w = 1 is the plain conditional model, evaluated once per step on N rows', async () => {
    const withNull = guided('eps', 1, 7);
    const plain = guided('eps', 1, undefined);
    expect(Array.from((await withNull.result).images)).toEqual(Array.from((await plain.result).images));
    expect(withNull.network.calls.every((c) => c.rows === 50 && c.classes!.every((l, i) => l === labels[i]))).toBe(true);
    expect((await withNull.result).networkEvaluations).toBe(15);
  });

  it('w ≠ 1 evaluates conditional and unconditional rows in one 2N call', async () => {
    const { network, result } = guided('eps', 3, 7);
    const r = await result;
    expect(network.calls).toHaveLength(15);
    expect(r).toMatchObject({ nfe: 15, networkEvaluations: 30 });
    expect(r.record.cfg).toBe(true);
    for (const call of network.calls) {
      expect(call.rows).toBe(100);
      expect(call.classes).toEqual([...labels, ...new Array(50).fill(7)]);
      expect(new Set(call.timeInput).size).toBe(1);
    }
  });

  it('combines ε̂ = ε_u + w(ε_c − ε_u), whatever the prediction type', async () => {
    const w = 3;
    const eps = gaussianDenoiser({
      schedule: SCHEDULES['vp-linear'],
      timeInput: 'index',
      prediction: 'eps',
      target: conditional,
      perSample: D,
    });
    // reference: an unguided sampler around a network that already outputs the guided ε
    const combined: Denoiser = async (x, t, c) => {
      const uncond = await eps.denoise(x, t, new Int32Array(c!.length).fill(7));
      const cond = await eps.denoise(x, t, c);
      return cond.map((v, i) => uncond[i]! + w * (v - uncond[i]!));
    };
    const reference = await guided('eps', 1, undefined, combined).result;
    for (const prediction of ['eps', 'x0', 'v', 'score'] as const) {
      const r = await guided(prediction, w, 7).result;
      expect(maxAbsDiff(r.images, reference.images)).toBeLessThan(1e-3);
    }
    // and guidance actually moved the samples
    const unguided = await guided('eps', 1, 7).result;
    expect(maxAbsDiff(unguided.images, reference.images)).toBeGreaterThan(0.1);
  });

  it('needs class labels and a null class', async () => {
    await expect(guided('eps', 2, undefined).result).rejects.toThrow(SamplingConfigError);
    const network = gaussianDenoiser({
      schedule: SCHEDULES['vp-linear'],
      timeInput: 'index',
      prediction: 'eps',
      target: TARGET,
      perSample: D,
    });
    await expect(
      sample({
        solver: 'ddim',
        steps: 5,
        guidance: 2,
        nullClass: 0,
        schedule: SCHEDULES['vp-linear'],
        prediction: 'eps',
        timeInput: 'index',
        shape: SHAPE,
        seed: 0,
        indices: [0],
        denoise: network.denoise,
      }),
    ).rejects.toThrow(SamplingConfigError);
  });
});

describe('validation', () => {
  const network = gaussianDenoiser({
    schedule: SCHEDULES['vp-linear'],
    timeInput: 'index',
    prediction: 'eps',
    target: TARGET,
    perSample: D,
  });
  const base = {
    solver: 'ddim',
    steps: 5,
    schedule: SCHEDULES['vp-linear'] as ScheduleInput,
    prediction: 'eps',
    timeInput: 'index',
    shape: SHAPE,
    seed: 0,
    indices: [0, 1],
    denoise: network.denoise,
  } satisfies SampleOptions;

  it('parses sampler parameters strictly', () => {
    expect(SamplerParams.parse({ solver: 'heun', steps: 18 })).toEqual({
      solver: 'heun',
      steps: 18,
      guidance: 1,
      eta: 0,
    });
    expect(SamplerParams.safeParse({ solver: 'heun', steps: 18, churn: 0 }).success).toBe(false);
    expect(SamplerParams.safeParse({ solver: 'euler', steps: 18, eta: 1 }).success).toBe(false);
    expect(SamplerParams.safeParse({ solver: 'ddim', steps: 0 }).success).toBe(false);
    expect(SamplerParams.safeParse({ solver: 'ddim', steps: 10, eta: 1.5 }).success).toBe(false);
    expect(SamplerParams.safeParse({ solver: 'plms', steps: 10 }).success).toBe(false);
  });

  it.each([
    ['eta on a deterministic solver', { solver: 'dpmpp-2m', eta: 1 }],
    ['more steps than the discrete schedule has', { steps: 1001 }],
    ['an unknown schedule key', { schedule: { kind: 'vp-cosine', steps: 1000, t_max: 1 } }],
    ['a time input the schedule lacks', { schedule: SCHEDULES.edm, timeInput: 'index' }],
    ['velocity on a discrete schedule', { prediction: 'velocity' }],
    ['eps where α = 0 (flow at t = 1)', { schedule: SCHEDULES['linear-interpolant'], timeInput: 't' }],
    [
      'Karras spacing on the linear interpolant',
      { schedule: SCHEDULES['linear-interpolant'], timeInput: 't', prediction: 'v', spacing: 'karras' },
    ],
    ['an empty shape', { shape: [] }],
    ['labels for the wrong number of samples', { classes: Int32Array.of(1) }],
  ] as const)('rejects %s with SamplingConfigError', async (_name, override) => {
    await expect(sample({ ...base, ...override })).rejects.toThrow(SamplingConfigError);
  });

  it('blames the network for malformed outputs', async () => {
    await expect(sample({ ...base, denoise: async (x) => new Float32Array(x.length - 1) })).rejects.toThrow(DenoiserOutputError);
    await expect(sample({ ...base, denoise: async (x) => new Float32Array(x.length).fill(NaN) })).rejects.toThrow(DenoiserOutputError);
  });
});
