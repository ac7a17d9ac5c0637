import { describe, expect, it } from 'vitest';
import { batchNormals } from './noise.js';
import { readout, type Coefficients } from './predictions.js';
import { type PredictionType } from '../../../contracts/sampling/prediction-type.js';
import { sample, type Denoiser, type SampleOptions } from './samplers.js';
import { SamplerParams, defaultSpacing, type Solver } from '../../../contracts/sampling/sampler-plan.js';
import {
  Schedule,
  samplingGrid,
  timeDerivatives,
  timeInputValue,
  type ScheduleInput,
  type ScheduleNode,
  type Spacing,
  type TimeInput,
} from '../../../contracts/sampling/schedules.js';
import { gaussianDenoiser } from './testing/gaussian-denoiser.js';

/*
 * `sample()` reuses its buffers and does each step in one fused loop, in place. Here every solver is written
 * the straightforward way — fresh arrays for x̂0, ε̂ (float64, read through the prediction's readout) and
 * every new x, each formula exactly as samplers.ts states it — and the two must agree bit for bit (compared
 * as uint32 words, so −0 ≠ +0 and every NaN payload counts).
 */

interface X0Eps64 {
  x0: Float64Array;
  eps: Float64Array;
}

function referenceConversion(xt: Float32Array, p: Float32Array, type: PredictionType, c: Coefficients): X0Eps64 {
  const r = readout(type, c);
  return {
    x0: Float64Array.from(xt, (x, i) => r.x0x * x + r.x0p * p[i]!),
    eps: Float64Array.from(xt, (x, i) => r.epsx * x + r.epsp * p[i]!),
  };
}

async function referenceSample(o: SampleOptions): Promise<{ images: Float32Array; nfe: number }> {
  const params = SamplerParams.parse({
    solver: o.solver,
    steps: o.steps,
    guidance: o.guidance,
    eta: o.eta,
    spacing: o.spacing,
  });
  const schedule = Schedule.parse(o.schedule);
  const nodes = samplingGrid(schedule, params.steps, params.spacing ?? defaultSpacing(params.solver, schedule));
  const perSample = o.shape.reduce((a, b) => a * b, 1);
  const rows = o.indices.length;
  const w = params.guidance;
  let nfe = 0;

  const evaluate = async (x: Float32Array, node: ScheduleNode): Promise<X0Eps64> => {
    const input = timeInputValue(schedule, node.time, o.timeInput);
    let raw: Float32Array;
    if (w !== 1) {
      const doubled = new Float32Array(2 * x.length);
      doubled.set(x, 0);
      doubled.set(x, x.length);
      const classes = Int32Array.from([...o.classes!, ...new Array<number>(rows).fill(o.nullClass!)]);
      const out = await o.denoise(doubled, new Float32Array(2 * rows).fill(input), classes);
      raw = new Float32Array(x.length);
      for (let i = 0; i < x.length; i++) raw[i] = out[x.length + i]! + w * (out[i]! - out[x.length + i]!);
    } else {
      raw = await o.denoise(x, new Float32Array(rows).fill(input), o.classes);
    }
    nfe++;
    const c: Coefficients = { alpha: node.alpha, sigma: node.sigma };
    if (o.prediction === 'velocity') Object.assign(c, timeDerivatives(schedule, node.time));
    return referenceConversion(x, raw, o.prediction, c);
  };

  const flow = schedule.kind === 'linear-interpolant';
  const scale = (n: ScheduleNode) => (flow ? 1 : n.alpha);
  const clock = (n: ScheduleNode) => (flow ? n.time : n.sigma / n.alpha);
  const [c0, c1] = flow ? [-1, 1] : [0, 1];

  const z = batchNormals(o.seed, o.indices, perSample, 0);
  let x = z.map((v) => nodes[0]!.sigma * v);
  let prevX0: Float32Array | undefined;
  let prevH = 0;
  for (let k = 0; k < nodes.length - 1; k++) {
    const t = nodes[k]!;
    const s = nodes[k + 1]!;
    const next = new Float32Array(x.length);
    const { x0, eps } = await evaluate(x, t);
    if (params.solver === 'ddim') {
      const c = params.eta > 0 ? params.eta * s.sigma * Math.sqrt(-Math.expm1(2 * (t.lambda - s.lambda))) : 0;
      const dir = Math.sqrt(Math.max(s.sigma * s.sigma - c * c, 0));
      const noise = c > 0 && !s.clean ? batchNormals(o.seed, o.indices, perSample, k + 1) : undefined;
      for (let i = 0; i < x.length; i++) {
        if (s.clean) next[i] = s.alpha * x0[i]!;
        else if (noise) next[i] = s.alpha * x0[i]! + dir * eps[i]! + c * noise[i]!;
        else next[i] = s.alpha * x0[i]! + dir * eps[i]!;
      }
    } else if (params.solver === 'dpmpp-2m') {
      const h = s.lambda - t.lambda;
      const half = prevX0 === undefined || prevH === Infinity ? 0 : h / (2 * prevH);
      for (let i = 0; i < x.length; i++) {
        const d = prevX0 === undefined ? x0[i]! : (1 + half) * x0[i]! - half * prevX0[i]!;
        next[i] = s.clean ? s.alpha * x0[i]! : (s.sigma / t.sigma) * x[i]! + s.alpha * -Math.expm1(-h) * d;
      }
      prevX0 = Float32Array.from(x0);
      prevH = h;
    } else {
      const db = clock(s) - clock(t);
      const drift = new Float32Array(x.length);
      for (let i = 0; i < x.length; i++) {
        drift[i] = c0 * x0[i]! + c1 * eps[i]!;
        next[i] = scale(s) * (x[i]! / scale(t) + db * (c0 * x0[i]! + c1 * eps[i]!));
      }
      if (params.solver === 'heun' && !s.clean) {
        const corrected = await evaluate(next, s);
        for (let i = 0; i < x.length; i++) {
          const d2 = c0 * corrected.x0[i]! + c1 * corrected.eps[i]!;
          next[i] = scale(s) * (x[i]! / scale(t) + (db * (drift[i]! + d2)) / 2);
        }
      }
    }
    x = next;
  }
  return { images: x, nfe };
}

const words = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

const CASES: Array<{ schedule: ScheduleInput; prediction: PredictionType; timeInput: TimeInput; spacing?: Spacing }> = [
  {
    schedule: { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000 },
    prediction: 'eps',
    timeInput: 'index',
  },
  {
    schedule: { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000 },
    prediction: 'score',
    timeInput: 'sigma',
    spacing: 'karras',
  },
  { schedule: { kind: 'vp-cosine', steps: 1000 }, prediction: 'v', timeInput: 'sigma' },
  {
    schedule: { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000, continuous: true },
    prediction: 'velocity',
    timeInput: 't',
  },
  {
    schedule: { kind: 'edm', sigma_min: 0.002, sigma_max: 80, sigma_data: 0.5 },
    prediction: 'x0',
    timeInput: 'log_sigma',
  },
  { schedule: { kind: 'linear-interpolant' }, prediction: 'velocity', timeInput: 't' },
  { schedule: { kind: 'linear-interpolant' }, prediction: 'x0', timeInput: 't' },
];

const SOLVERS: Array<{ solver: Solver; eta: number }> = [
  { solver: 'ddim', eta: 0 },
  { solver: 'ddim', eta: 0.5 },
  { solver: 'ddim', eta: 1 },
  { solver: 'euler', eta: 0 },
  { solver: 'heun', eta: 0 },
  { solver: 'dpmpp-2m', eta: 0 },
];

const SHAPE = [3, 2, 2] as const;
const PER_SAMPLE = 12;
const INDICES = [3, 0, 17, 5, 1000];
const CLASSES = Int32Array.from([1, 2, 3, 4, 0]);
const mean = (label: number | undefined) => Float64Array.from({ length: PER_SAMPLE }, (_, j) => 0.7 * Math.sin(j + (label ?? 9)));

/**
 * A network whose output depends on every bit of its input (so a difference anywhere upstream shows), and
 * which, like an inference session with a bound output, returns the same buffer every call.
 */
function chaoticDenoiser(): Denoiser {
  let out = new Float32Array(0);
  return async (xt, t, classes) => {
    if (out.length !== xt.length) out = new Float32Array(xt.length);
    for (let i = 0; i < xt.length; i++) {
      const row = Math.floor(i / PER_SAMPLE);
      out[i] = 0.8 * Math.sin(1e4 * xt[i]! + t[row]! + (classes?.[row] ?? 0));
    }
    return out;
  };
}

describe('the buffer-reusing sampler matches a fresh-array reference bit for bit', () => {
  for (const { solver, eta } of SOLVERS) {
    it(`${solver}${solver === 'ddim' ? ` η=${eta}` : ''}, every schedule, prediction type and guidance`, async () => {
      for (const c of CASES) {
        for (const guidance of [1, 2.5]) {
          for (const network of ['ideal', 'chaotic'] as const) {
            const options = (): SampleOptions => ({
              ...c,
              solver,
              eta,
              guidance,
              steps: 7,
              shape: SHAPE,
              seed: 42,
              indices: INDICES,
              classes: CLASSES,
              nullClass: 9,
              denoise:
                network === 'ideal'
                  ? gaussianDenoiser({ ...c, target: { mean, std: 0.4 }, perSample: PER_SAMPLE }).denoise
                  : chaoticDenoiser(),
            });
            const got = await sample(options());
            const want = await referenceSample(options());
            const label = `${c.schedule.kind} ${c.prediction} w=${guidance} ${network}`;
            expect(got.nfe, label).toBe(want.nfe);
            expect(words(got.images), label).toEqual(words(want.images));
          }
        }
      }
    });
  }
});
