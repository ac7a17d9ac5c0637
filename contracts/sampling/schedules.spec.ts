import { describe, expect, it } from 'vitest';
import { SamplingConfigError } from './errors.js';
import {
  Schedule,
  alphasCumprod,
  checkTimeInput,
  karrasRange,
  noiseLevel,
  samplingTimes,
  scheduleNode,
  timeAtScaledSigma,
  timeDerivatives,
  timeInputValue,
  type VpCosineSchedule,
  type VpLinearSchedule,
} from './schedules.js';

const linear = Schedule.parse({ kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000 }) as VpLinearSchedule;
const cosine = Schedule.parse({ kind: 'vp-cosine', steps: 1000 }) as VpCosineSchedule;
const linearC = Schedule.parse({ kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000, continuous: true });
const cosineC = Schedule.parse({ kind: 'vp-cosine', steps: 1000, continuous: true });
const edm = Schedule.parse({ kind: 'edm', sigma_min: 0.002, sigma_max: 80, sigma_data: 0.5 });
const flow = Schedule.parse({ kind: 'linear-interpolant' });

describe('schedule schemas', () => {
  it('fills the documented defaults', () => {
    expect(cosine).toEqual({ kind: 'vp-cosine', steps: 1000, s: 0.008, continuous: false });
    expect(edm).toMatchObject({ rho: 7 });
    expect(linear.continuous).toBe(false);
  });

  it.each([
    { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000, offset: 1 },
    { kind: 'vp-cosine', steps: 1000, shift: 1 },
    { kind: 'edm', sigma_min: 0.002, sigma_max: 80, sigma_data: 0.5, rho: 7, churn: 0 },
    { kind: 'linear-interpolant', steps: 1000 },
  ])('rejects unknown keys ($kind)', (value) => {
    expect(Schedule.safeParse(value).success).toBe(false);
  });

  it.each([
    { kind: 'vp-linear', beta_start: 0.02, beta_end: 1e-4, steps: 1000 },
    { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02 },
    { kind: 'vp-cosine', steps: 1.5 },
    { kind: 'edm', sigma_min: 80, sigma_max: 0.002, sigma_data: 0.5 },
    { kind: 'edm', sigma_min: 0, sigma_max: 80, sigma_data: 0.5 },
    { kind: 'ddpm' },
  ])('rejects invalid parameters %#', (value) => {
    expect(Schedule.safeParse(value).success).toBe(false);
  });
});

describe('discrete VP schedules', () => {
  // numpy reference: np.cumprod(1 - np.linspace(1e-4, 0.02, 1000)), and improved-diffusion's
  // betas_for_alpha_bar(1000, cosine f, 0.999) followed by np.cumprod (float64).
  it('vp-linear ᾱ matches numpy to 1e-12 relative', () => {
    const ac = alphasCumprod(linear);
    expect(ac[0]).toBeCloseTo(0.9999, 15);
    for (const [n, ref] of [
      [499, 0.07858724288177824],
      [998, 4.118193638138445e-5],
      [999, 4.035829765375676e-5],
    ] as const) {
      expect(Math.abs(ac[n]! / ref - 1)).toBeLessThan(1e-12);
    }
  });

  it('vp-cosine ᾱ matches improved-diffusion (including the 0.999 β clip at the last step)', () => {
    const ac = alphasCumprod(cosine);
    for (const [n, ref] of [
      [0, 0.999958715775178],
      [499, 0.4938435904406382],
      [998, 2.4287669070348544e-6],
      [999, 2.4287669070348567e-9],
    ] as const) {
      expect(Math.abs(ac[n]! / ref - 1)).toBeLessThan(1e-10);
    }
  });

  it('α = sqrt(ᾱ), σ = sqrt(1 − ᾱ) at integer steps, clean at n = −1', () => {
    const { alpha, sigma } = noiseLevel(linear, 999);
    expect(alpha).toBeCloseTo(Math.sqrt(4.035829765375676e-5), 14);
    expect(sigma).toBeCloseTo(Math.sqrt(1 - 4.035829765375676e-5), 14);
    expect(noiseLevel(linear, -1)).toEqual({ alpha: 1, sigma: 0 });
    const clean = scheduleNode(linear, -1);
    expect(clean.clean).toBe(true);
    expect(clean.lambda).toBe(Infinity);
  });

  it('interpolates ln σ̃ linearly between integer steps', () => {
    const lnScaled = (t: number) => {
      const { alpha, sigma } = noiseLevel(linear, t);
      return Math.log(sigma / alpha);
    };
    expect(lnScaled(500.25)).toBeCloseTo(0.75 * lnScaled(500) + 0.25 * lnScaled(501), 12);
    const { alpha, sigma } = noiseLevel(linear, 500.25);
    expect(alpha * alpha + sigma * sigma).toBeCloseTo(1, 14);
    expect(() => noiseLevel(linear, -0.5)).toThrow(RangeError);
    expect(() => noiseLevel(linear, 999.5)).toThrow(RangeError);
  });
});

describe('continuous schedules', () => {
  it('continuous vp-linear is the VP SDE with β0 = 0.1, β1 = 20', () => {
    const { alpha, sigma } = noiseLevel(linearC, 1);
    expect(Math.log(alpha)).toBeCloseTo(-(20 - 0.1) / 4 - 0.1 / 2, 12);
    expect(alpha * alpha + sigma * sigma).toBeCloseTo(1, 14);
    // the N → ∞ limit lands close to the discrete chain's last ᾱ (4.04e-5)
    expect(alpha * alpha).toBeGreaterThan(4.0e-5);
    expect(alpha * alpha).toBeLessThan(4.7e-5);
    expect(noiseLevel(linearC, 0)).toEqual({ alpha: 1, sigma: 0 });
  });

  it('continuous vp-cosine is f(t)/f(0), cut at T = 0.9946', () => {
    const f = (t: number) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    expect(noiseLevel(cosineC, 0.5).alpha ** 2).toBeCloseTo(f(0.5) / f(0), 12);
    expect(() => noiseLevel(cosineC, 0.999)).toThrow(RangeError);
    expect(samplingTimes(cosineC, 4)[0]).toBe(0.9946);
  });

  it('edm: α = 1, σ = time; linear interpolant: α = 1 − t, σ = t', () => {
    expect(noiseLevel(edm, 3.5)).toEqual({ alpha: 1, sigma: 3.5 });
    expect(noiseLevel(flow, 0.25)).toEqual({ alpha: 0.75, sigma: 0.25 });
    expect(scheduleNode(flow, 1).lambda).toBe(-Infinity);
  });

  it.each([
    ['vp-linear continuous', linearC, [0.01, 0.3, 0.9]],
    ['vp-cosine continuous', cosineC, [0.01, 0.3, 0.9]],
    ['linear interpolant', flow, [0.1, 0.5, 0.9]],
  ] as const)('time derivatives match finite differences (%s)', (_name, schedule, times) => {
    for (const t of times) {
      const h = 1e-6;
      const d = timeDerivatives(schedule, t)!;
      const up = noiseLevel(schedule, t + h);
      const down = noiseLevel(schedule, t - h);
      expect(d.dalpha).toBeCloseTo((up.alpha - down.alpha) / (2 * h), 5);
      expect(d.dsigma).toBeCloseTo((up.sigma - down.sigma) / (2 * h), 5);
    }
  });

  it('has no time derivatives on discrete or EDM schedules', () => {
    expect(timeDerivatives(linear, 10)).toBeUndefined();
    expect(timeDerivatives(edm, 1)).toBeUndefined();
  });
});

describe('time inputs', () => {
  it('discrete VP: index n, t = (n+1)/N, sigma = σ/α, log_sigma = ln(σ/α)', () => {
    const { alpha, sigma } = noiseLevel(linear, 499);
    expect(timeInputValue(linear, 499, 'index')).toBe(499);
    expect(timeInputValue(linear, 499, 't')).toBe(0.5);
    expect(timeInputValue(linear, 999, 't')).toBe(1);
    expect(timeInputValue(linear, 499, 'sigma')).toBeCloseTo(sigma / alpha, 14);
    expect(timeInputValue(linear, 499, 'log_sigma')).toBeCloseTo(Math.log(sigma / alpha), 14);
  });

  it('continuous VP: t, index = N·t − 1', () => {
    expect(timeInputValue(linearC, 0.5, 't')).toBe(0.5);
    expect(timeInputValue(linearC, 0.5, 'index')).toBe(499);
    expect(timeInputValue(linearC, 1, 'index')).toBe(999);
  });

  it('edm: sigma and log_sigma only; linear interpolant: t only', () => {
    expect(timeInputValue(edm, 2, 'sigma')).toBe(2);
    expect(timeInputValue(edm, 2, 'log_sigma')).toBeCloseTo(Math.log(2), 15);
    expect(timeInputValue(flow, 0.3, 't')).toBe(0.3);
    expect(() => checkTimeInput(edm, 'index')).toThrow(SamplingConfigError);
    expect(() => checkTimeInput(edm, 't')).toThrow(SamplingConfigError);
    expect(() => checkTimeInput(flow, 'sigma')).toThrow(SamplingConfigError);
    expect(() => timeInputValue(flow, 0.3, 'index')).toThrow(SamplingConfigError);
  });
});

describe('sampling times', () => {
  // numpy reference: np.round(np.arange(1000, 0, -1000/steps)).astype(np.int64) - 1 (diffusers "trailing")
  it.each([
    [10, [999, 899, 799, 699, 599, 499, 399, 299, 199, 99]],
    [16, [999, 937, 874, 811, 749, 687, 624, 561, 499, 437, 374, 311, 249, 187, 124, 61]],
    [7, [999, 856, 713, 570, 428, 285, 142]],
  ])('trailing spacing with %i steps matches diffusers (numpy rounding, half to even)', (steps, expected) => {
    expect(samplingTimes(linear, steps)).toEqual([...expected, -1]);
  });

  it('trailing spacing needs steps ≤ N', () => {
    expect(samplingTimes(linear, 1000)).toHaveLength(1001);
    expect(() => samplingTimes(linear, 1001)).toThrow(SamplingConfigError);
  });

  it('karras spacing on EDM matches k-diffusion get_sigmas_karras', () => {
    // numpy: (80**(1/7) + linspace(0, 1, 5)·(0.002**(1/7) − 80**(1/7)))**7, then 0
    const expected = [80.0, 17.52783196464411, 2.515218976147159, 0.16975275626876413, 0.002];
    const times = samplingTimes(edm, 5);
    expect(times).toHaveLength(6);
    expected.forEach((v, i) => expect(Math.abs(times[i]! / v - 1)).toBeLessThan(1e-12));
    expect(times[5]).toBe(0);
    expect(samplingTimes(edm, 1)).toEqual([80, 0]);
  });

  it('karras spacing on discrete VP runs between σ̃(0) and σ̃(N−1) at fractional indices', () => {
    const { min, max, rho } = karrasRange(linear);
    expect(rho).toBe(7);
    const times = samplingTimes(linear, 8, 'karras');
    expect(times[0]).toBe(999);
    expect(times[7]).toBe(0);
    expect(times[8]).toBe(-1);
    const scaled = times.slice(0, 8).map((t) => {
      const { alpha, sigma } = noiseLevel(linear, t);
      return sigma / alpha;
    });
    expect(scaled[0]).toBeCloseTo(max, 9);
    expect(scaled[7]).toBeCloseTo(min, 12);
    const hi = max ** (1 / 7);
    const lo = min ** (1 / 7);
    scaled.forEach((s, k) => expect(s ** (1 / 7)).toBeCloseTo(hi + (k / 7) * (lo - hi), 9));
    expect(times.some((t) => !Number.isInteger(t))).toBe(true);
  });

  it('uniform spacing runs t from T to 0', () => {
    expect(samplingTimes(flow, 4)).toEqual([1, 0.75, 0.5, 0.25, 0]);
    expect(samplingTimes(linearC, 2)).toEqual([1, 0.5, 0]);
  });

  it('rejects spacings a schedule does not have', () => {
    expect(() => samplingTimes(flow, 4, 'karras')).toThrow(SamplingConfigError);
    expect(() => samplingTimes(edm, 4, 'uniform')).toThrow(SamplingConfigError);
    expect(() => samplingTimes(linearC, 4, 'trailing')).toThrow(SamplingConfigError);
    expect(() => samplingTimes(linear, 0)).toThrow(SamplingConfigError);
  });

  it.each([
    ['vp-linear', linear],
    ['vp-cosine', cosine],
    ['vp-linear continuous', linearC],
    ['vp-cosine continuous', cosineC],
    ['edm', edm],
    ['linear interpolant', flow],
  ] as const)('timeAtScaledSigma inverts σ/α (%s)', (_name, schedule) => {
    for (const scaled of [0.05, 0.3, 1, 4, 40]) {
      const t = timeAtScaledSigma(schedule, scaled);
      const { alpha, sigma } = noiseLevel(schedule, t);
      expect(sigma / alpha / scaled).toBeCloseTo(1, 9);
    }
  });
});
