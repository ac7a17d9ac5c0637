import type { PredictionType } from '../../../../contracts/sampling/prediction-type.js';
import { Schedule, alphasCumprod, type ScheduleInput, type TimeInput } from '../../../../contracts/sampling/schedules.js';
import { GraphBuilder, attr, type ElemType } from '../graph-builder.js';
import { normalWeights } from './seeded-weights.js';

/*
 * The ideal denoiser for Gaussian data as an ONNX graph: x0 ~ N(μ_y, s²·I) (μ_y per class, or one μ), so
 * given x_t = α·x0 + σ·ε
 *
 *   x̂0 = μ + α·s²/(α²s² + σ²)·(x_t − α·μ),   ε̂ = σ/(α²s² + σ²)·(x_t − α·μ),
 *   v = α·ε̂ − σ·x̂0,   velocity = α'·x̂0 + σ'·ε̂,   score = −(x_t − α·μ)/(α²s² + σ²)
 *
 * (the same formulas as sampling/testing/gaussian-denoiser.ts, computed in float32 by onnxruntime). The graph
 * reads (α, σ, α', σ') back from its time input the way a network trained on `schedule` would, so sampling
 * it through the runner exercises the feeds of every time-input convention.
 */

export interface GaussianDenoiserGraphOptions {
  schedule: ScheduleInput;
  timeInput: TimeInput;
  prediction: PredictionType;
  /** One sample's shape [C, H, W]. */
  shape: readonly [number, number, number];
  /** μ: one [C·H·W] mean, or `classes` of them back to back (then the graph has a class input `y`). */
  mean: Float32Array;
  std: number;
  /** 0: unconditional. > 0: `mean` holds this many means, or one more (the null class's) when `nullClassMean`. */
  classes?: number;
  /** Element type of the time input (`int64` only for integer `index` inputs). Default float32. */
  timeType?: Extract<ElemType, 'float32' | 'int64' | 'int32'>;
  /** `batch`: t is [N] (default); `scalar`: t is a 0-d tensor. */
  timeShape?: 'batch' | 'scalar';
  /** Graph tensor names. Default x_t, t, y, out. */
  names?: { x?: string; t?: string; class?: string; prediction?: string };
  /** Multiply the prediction by NaN (a broken model). */
  nanOutput?: boolean;
}

/** Builds the ideal Gaussian denoiser (see the module comment). */
export function buildGaussianDenoiser(options: GaussianDenoiserGraphOptions): Uint8Array {
  const schedule = Schedule.parse(options.schedule);
  const [C, H, W] = options.shape;
  const per = C * H * W;
  const classes = options.classes ?? 0;
  const names = { x: 'x_t', t: 't', class: 'y', prediction: 'out', ...options.names };
  if (options.mean.length % per !== 0 || options.mean.length === 0)
    throw new RangeError(`mean must hold whole [${options.shape.join(', ')}] samples`);
  const means = options.mean.length / per;
  if (classes === 0 && means !== 1) throw new RangeError('an unconditional denoiser takes exactly one mean');
  if (classes > 0 && means < classes) throw new RangeError(`${classes} classes need at least ${classes} means`);

  const g = new GraphBuilder({ name: 'gaussian-denoiser' });
  g.input(names.x, 'float32', ['batch', C, H, W]);
  const timeType = options.timeType ?? 'float32';
  g.input(names.t, timeType, options.timeShape === 'scalar' ? [] : ['batch']);
  if (classes > 0) g.input(names.class, 'int64', ['batch']);

  const k = (name: string, value: number) => {
    g.initializer(name, new Float32Array([value]), []);
    return name;
  };
  k('one', 1);
  let tin = names.t;
  if (timeType !== 'float32') {
    g.node('Cast', [tin], ['t_float'], { to: attr.dataType('float32') });
    tin = 't_float';
  }

  // (α, σ) of the input, as [N] or [] tensors named alpha, sigma; velocity also needs dalpha, dsigma.
  const fromScaledSigma = (scaled: string) => {
    if (schedule.kind === 'edm') {
      g.node('Identity', ['one'], ['alpha']).node('Identity', [scaled], ['sigma']);
      return;
    }
    g.node('Mul', [scaled, scaled], ['st2']).node('Add', ['st2', 'one'], ['st2p1']).node('Sqrt', ['st2p1'], ['st_norm']);
    g.node('Div', ['one', 'st_norm'], ['alpha']).node('Mul', [scaled, 'alpha'], ['sigma']);
  };
  const continuousVpLinear = (t: string) => {
    if (schedule.kind !== 'vp-linear' || !schedule.continuous) throw new RangeError('continuous time is built for vp-linear only');
    const b0 = schedule.steps * schedule.beta_start;
    const b1 = schedule.steps * schedule.beta_end;
    // log α = −(b1 − b0)·t²/4 − b0·t/2;  d log α/dt = −(b1 − b0)·t/2 − b0/2
    k('q2', -(b1 - b0) / 4);
    k('q1', -b0 / 2);
    k('d1', -(b1 - b0) / 2);
    g.node('Mul', [t, t], ['tt'])
      .node('Mul', ['tt', 'q2'], ['la2'])
      .node('Mul', [t, 'q1'], ['la1'])
      .node('Add', ['la2', 'la1'], ['log_alpha']);
    g.node('Exp', ['log_alpha'], ['alpha'])
      .node('Mul', ['alpha', 'alpha'], ['a2'])
      .node('Sub', ['one', 'a2'], ['s2'])
      .node('Sqrt', ['s2'], ['sigma']);
    g.node('Mul', [t, 'd1'], ['dl1']).node('Add', ['dl1', 'q1'], ['dlog_alpha']).node('Mul', ['alpha', 'dlog_alpha'], ['dalpha']);
    g.node('Mul', ['alpha', 'dalpha'], ['ada']).node('Neg', ['ada'], ['neg_ada']).node('Div', ['neg_ada', 'sigma'], ['dsigma']);
  };
  const discreteIndex = (index: string) => {
    if (schedule.kind !== 'vp-linear' && schedule.kind !== 'vp-cosine') throw new RangeError('index input needs a VP schedule');
    const n = schedule.steps;
    // ln σ̃_n = ½·ln((1 − ᾱ_n)/ᾱ_n), interpolated linearly between integer indices.
    const table = Float32Array.from(alphasCumprod(schedule), (abar) => 0.5 * Math.log((1 - abar) / abar));
    g.initializer('log_scaled_table', table, [n]);
    k('last_lo', n - 2);
    g.node('Min', [index, 'last_lo'], ['idx_c']).node('Floor', ['idx_c'], ['idx_lo']).node('Sub', [index, 'idx_lo'], ['idx_w']);
    g.node('Cast', ['idx_lo'], ['idx_lo_i'], { to: attr.dataType('int64') });
    g.initializer('one_i', new BigInt64Array([1n]), []);
    g.node('Add', ['idx_lo_i', 'one_i'], ['idx_hi_i']);
    g.node('Gather', ['log_scaled_table', 'idx_lo_i'], ['ls_lo'], { axis: attr.int(0) });
    g.node('Gather', ['log_scaled_table', 'idx_hi_i'], ['ls_hi'], { axis: attr.int(0) });
    g.node('Sub', ['ls_hi', 'ls_lo'], ['ls_d']).node('Mul', ['ls_d', 'idx_w'], ['ls_wd']).node('Add', ['ls_lo', 'ls_wd'], ['log_scaled']);
    g.node('Exp', ['log_scaled'], ['scaled']);
    fromScaledSigma('scaled');
  };

  const continuous =
    schedule.kind === 'linear-interpolant' || ((schedule.kind === 'vp-linear' || schedule.kind === 'vp-cosine') && schedule.continuous);
  switch (options.timeInput) {
    case 'sigma':
      fromScaledSigma(tin);
      break;
    case 'log_sigma':
      g.node('Exp', [tin], ['scaled']);
      fromScaledSigma('scaled');
      break;
    case 't':
      if (schedule.kind === 'linear-interpolant') {
        g.node('Sub', ['one', tin], ['alpha']).node('Identity', [tin], ['sigma']);
        g.initializer('dalpha', new Float32Array([-1]), []).initializer('dsigma', new Float32Array([1]), []);
      } else if (continuous) {
        continuousVpLinear(tin);
      } else {
        // index = N·t − 1
        k('n_steps', (schedule as { steps: number }).steps);
        g.node('Mul', [tin, 'n_steps'], ['nt']).node('Sub', ['nt', 'one'], ['index']);
        discreteIndex('index');
      }
      break;
    case 'index':
      if (continuous) {
        // t = (index + 1)/N
        k('n_steps', (schedule as { steps: number }).steps);
        g.node('Add', [tin, 'one'], ['ip1']).node('Div', ['ip1', 'n_steps'], ['t_of_index']);
        continuousVpLinear('t_of_index');
      } else {
        discreteIndex(tin);
      }
      break;
  }
  if (options.prediction === 'velocity' && !continuous) throw new RangeError('velocity needs a continuous-time schedule');

  g.initializer('col', new BigInt64Array([-1n, 1n, 1n, 1n]), [4]);
  const col = (v: string) => {
    g.node('Reshape', [v, 'col'], [`${v}_c`]);
    return `${v}_c`;
  };
  const a = col('alpha');
  const s = col('sigma');
  let mu = 'mu';
  if (classes > 0) {
    g.initializer('means', options.mean, [means, C, H, W]);
    g.node('Gather', ['means', names.class], ['mu'], { axis: attr.int(0) });
  } else {
    g.initializer('mu', options.mean, [1, C, H, W]);
    mu = 'mu';
  }
  const s2 = options.std * options.std;
  k('data_var', s2);
  g.node('Mul', [a, mu], ['a_mu']).node('Sub', [names.x, 'a_mu'], ['centred']);
  g.node('Mul', [a, a], ['aa'])
    .node('Mul', ['aa', 'data_var'], ['aas2'])
    .node('Mul', [s, s], ['ss'])
    .node('Add', ['aas2', 'ss'], ['denom']);
  g.node('Mul', [a, 'data_var'], ['a_s2'])
    .node('Div', ['a_s2', 'denom'], ['k_x0'])
    .node('Mul', ['k_x0', 'centred'], ['x0_d'])
    .node('Add', [mu, 'x0_d'], ['x0_hat']);
  g.node('Div', [s, 'denom'], ['k_eps']).node('Mul', ['k_eps', 'centred'], ['eps_hat']);
  let pred: string;
  switch (options.prediction) {
    case 'eps':
      pred = 'eps_hat';
      break;
    case 'x0':
      pred = 'x0_hat';
      break;
    case 'v':
      g.node('Mul', [a, 'eps_hat'], ['v_a']).node('Mul', [s, 'x0_hat'], ['v_s']).node('Sub', ['v_a', 'v_s'], ['v_pred']);
      pred = 'v_pred';
      break;
    case 'velocity': {
      const da = col('dalpha');
      const ds = col('dsigma');
      g.node('Mul', [da, 'x0_hat'], ['u_a']).node('Mul', [ds, 'eps_hat'], ['u_s']).node('Add', ['u_a', 'u_s'], ['u_pred']);
      pred = 'u_pred';
      break;
    }
    case 'score':
      g.node('Div', ['centred', 'denom'], ['score_pos']).node('Neg', ['score_pos'], ['score_pred']);
      pred = 'score_pred';
      break;
  }
  if (options.nanOutput) {
    g.initializer('nan', new Float32Array([Number.NaN]), []);
    g.node('Mul', [pred, 'nan'], ['nan_pred']);
    pred = 'nan_pred';
  }
  g.node('Identity', [pred], [names.prediction]);
  g.output(names.prediction, 'float32', ['batch', C, H, W]);
  return g.toBytes();
}

export interface LatentDecoderOptions {
  /** One latent [C, h, w]; `resolution` must be a multiple of h (= w). */
  latentShape: readonly [number, number, number];
  resolution: number;
  seed: number;
  names?: { latent?: string; images?: string };
}

/**
 * A stand-in VAE decoder: `z` [N, C, h, w] → 1×1 convolution to RGB, nearest upsampling to the resolution,
 * tanh → `images` float32 [N, 3, R, R] in [−1, 1].
 */
export function buildLatentDecoder(options: LatentDecoderOptions): Uint8Array {
  const [C, h, w] = options.latentShape;
  if (h !== w || options.resolution % h !== 0)
    throw new RangeError(`resolution ${options.resolution} must be a multiple of the square latent side ${h}`);
  const names = { latent: 'z', images: 'images', ...options.names };
  const f = options.resolution / h;
  return new GraphBuilder({ name: 'latent-decoder' })
    .input(names.latent, 'float32', ['batch', C, h, w])
    .initializer('w', normalWeights(options.seed, 'decoder_w', 3 * C, 1 / Math.sqrt(C)), [3, C, 1, 1])
    .initializer('b', normalWeights(options.seed, 'decoder_b', 3, 0.1), [3])
    .node('Conv', [names.latent, 'w', 'b'], ['rgb'], { kernel_shape: attr.ints([1, 1]) })
    .initializer('scales', new Float32Array([1, 1, f, f]), [4])
    .node('Resize', ['rgb', '', 'scales'], ['up'], { mode: attr.string('nearest') })
    .node('Tanh', ['up'], [names.images])
    .output(names.images, 'float32', ['batch', 3, options.resolution, options.resolution])
    .toBytes();
}
