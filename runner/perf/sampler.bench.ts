// Benchmark: time per sampling step in the runner's denoiser source (runner/src/evaluation/sources/
// denoiser-source.ts: feeds, checks, solver arithmetic, prediction conversion) against bare session.run on
// the same model and inputs. Printed as a ratio; the target is an overhead below 5%.
//
// The model is a small conv net shaped like a denoiser (x_t [N, 3, R, R], t [N] → prediction), so a network
// call costs what a small real one does. Defaults: batch 64, 32×32, 64 channels, 20 steps, 5 rounds, every
// solver (DDIM η = 0 first: the target is stated for it), one line each.
//   npm run bench:sampler
//   npm run bench:sampler -- --batch 16 --res 64 --channels 96 --steps 10 --rounds 3 --solver heun
//   npm run bench:sampler -- --solver ddim --eta 1          (DDIM with fresh noise every step)
//   npm run bench:sampler -- --noise-threads 0              (η > 0 noise on the main thread, as without a pool)
//   npm run bench:sampler -- --ort-threads 1                (onnxruntime on one core: a core to spare, as beside a GPU)
//   npm run bench:sampler -- --ep webgpu                     (the provider as GENBENCH_EP names it; CPU fallback is logged)
// Bare runs and source runs alternate, round by round, and medians are compared: the machine may be shared
// (the load average is printed with the results). "outside" is the source's own time per network call,
// measured within the source runs themselves, so it is the less load-sensitive of the two numbers.

import { cpus, loadavg } from 'node:os';
import * as ort from 'onnxruntime-node';
import { DenoiserManifest } from '../../contracts/manifest/denoiser-manifest.schemas.js';
import { type ExecutionProvider, openSession } from '../src/evaluation/onnx-session.js';
import { DenoiserSource, OnnxDenoiser } from '../src/evaluation/sources/denoiser-source.js';
import { buildConvDenoiser, convDenoiserManifest } from '../src/onnx/models/conv-denoiser.js';
import { batchNormals } from '../src/sampling/noise.js';
import { NoisePool, defaultNoiseThreads } from '../src/sampling/noise-pool.js';
import { Solver, expectedNfe } from '../../contracts/sampling/sampler-plan.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`--${name} must be a positive integer`);
  return v;
}
const solverFlag = process.argv.indexOf('--solver');
const BATCH = flag('batch', 64);
const RES = flag('res', 32);
const CH = flag('channels', 64);
const STEPS = flag('steps', 20);
const ROUNDS = flag('rounds', 5);
const etaFlag = process.argv.indexOf('--eta');
const VARIANTS: Array<{ solver: Solver; eta: number }> =
  solverFlag >= 0
    ? [{ solver: Solver.parse(process.argv[solverFlag + 1]), eta: etaFlag >= 0 ? Number(process.argv[etaFlag + 1]) : 0 }]
    : [
        { solver: 'ddim', eta: 0 },
        { solver: 'ddim', eta: 1 },
        { solver: 'euler', eta: 0 },
        { solver: 'heun', eta: 0 },
        { solver: 'dpmpp-2m', eta: 0 },
      ];
for (const { solver, eta } of VARIANTS) {
  if (!(eta >= 0 && eta <= 1) || (eta > 0 && solver !== 'ddim')) throw new RangeError('--eta must be in [0, 1], with --solver ddim');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const manifest = DenoiserManifest.parse(convDenoiserManifest(RES));

const epFlag = process.argv.indexOf('--ep');
// onnxruntime's intra-op threads (0: its default, one per core). Fewer leaves cores for the noise threads.
const ortThreadsFlag = process.argv.indexOf('--ort-threads');
const opened = await openSession(
  buildConvDenoiser({ resolution: RES, channels: CH }),
  (epFlag >= 0 ? process.argv[epFlag + 1] : 'cpu') as ExecutionProvider,
  ortThreadsFlag >= 0 ? Number(process.argv[ortThreadsFlag + 1]) : 0,
);
for (const w of opened.warnings) console.warn(w);
const session = opened.session;
const x = batchNormals(
  0,
  Array.from({ length: BATCH }, (_, i) => i),
  3 * RES * RES,
  0,
);
const feeds = {
  x_t: new ort.Tensor('float32', x, [BATCH, 3, RES, RES]),
  t: new ort.Tensor('float32', new Float32Array(BATCH).fill(10), [BATCH]),
};

async function bare(calls: number): Promise<number> {
  const t0 = performance.now();
  for (let k = 0; k < calls; k++) await session.run(feeds, ['out']);
  return (performance.now() - t0) / calls;
}

// Time spent inside session.run during source runs: the rest is the source's own work, measured in the same
// run as the network calls, so it is less sensitive to a shared machine than the difference of two medians.
let insideRun = 0;
const run = session.run.bind(session) as (f: typeof feeds, o: string[]) => Promise<ort.InferenceSession.ReturnType>;
(session as { run: unknown }).run = async (f: typeof feeds, o: string[]) => {
  const t0 = performance.now();
  try {
    return await run(f, o);
  } finally {
    insideRun += performance.now() - t0;
  }
};

// As the runner does: a stochastic solver's noise is drawn in this many threads while the network runs.
const threadsFlag = process.argv.indexOf('--noise-threads');
const NOISE_THREADS = threadsFlag >= 0 ? Number(process.argv[threadsFlag + 1]) : defaultNoiseThreads();
const pool = NOISE_THREADS > 0 ? NoisePool.create(NOISE_THREADS) : undefined;

async function viaSource(solver: Solver, eta: number, nfe: number): Promise<{ perStep: number; outside: number }> {
  const src = new DenoiserSource(new OnnxDenoiser(session, manifest), manifest, {
    n: BATCH,
    seed: 0,
    batchSize: BATCH,
    sampler: { solver, steps: STEPS, guidance: 1, eta },
    noise: eta > 0 ? pool : undefined,
  });
  insideRun = 0;
  const t0 = performance.now();
  await src.sampleRange(0, BATCH);
  const total = performance.now() - t0;
  return { perStep: total / nfe, outside: (total - insideRun) / nfe };
}

console.log(`sampler benchmark: ${STEPS} steps, batch ${BATCH}, ${RES}×${RES}, ${CH} channels, ${ROUNDS} rounds (medians)`);
console.log(
  `machine: ${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}, onnxruntime ${ort.env.versions?.node ?? '?'} (${opened.executionProvider}), noise threads for η > 0: ${NOISE_THREADS}`,
);
console.log('solver         NFE   bare ms/call   source ms/call   ratio   overhead   outside ms/call   outside/bare   load');
for (const { solver, eta } of VARIANTS) {
  const nfe = expectedNfe(solver, STEPS);
  await bare(nfe); // warm-up: allocator, thread pool, JIT
  await viaSource(solver, eta, nfe);
  const bareMs: number[] = [];
  const sourceMs: number[] = [];
  const outsideMs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    bareMs.push(await bare(nfe));
    const { perStep, outside } = await viaSource(solver, eta, nfe);
    sourceMs.push(perStep);
    outsideMs.push(outside);
  }
  const b = median(bareMs);
  const s = median(sourceMs);
  const o = median(outsideMs);
  const name = `${solver}${solver === 'ddim' ? ` η=${eta}` : ''}`;
  console.log(
    [
      name.padEnd(13),
      String(nfe).padStart(4),
      b.toFixed(2).padStart(14),
      s.toFixed(2).padStart(16),
      (s / b).toFixed(3).padStart(7),
      `${(100 * (s / b - 1)).toFixed(1)}%`.padStart(10),
      o.toFixed(2).padStart(17),
      `${((100 * o) / b).toFixed(1)}%`.padStart(14),
      loadavg()[0]!.toFixed(2).padStart(6),
    ].join(' '),
  );
}
await session.release();
await pool?.close();
console.log('target: overhead < 5% (outside = noise, feeds, checks, solver arithmetic and conversions, per network call)');
