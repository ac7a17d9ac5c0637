// Benchmark: time per sampling step in the runner's denoiser source (runner/src/evaluation/sources/
// denoiser-source.ts: feeds, checks, solver arithmetic, prediction conversion) against bare session.run on
// the same model and inputs. Printed as a ratio; the target is an overhead below 5%.
//
// The model is a small conv net shaped like a denoiser (x_t [N, 3, R, R], t [N] → prediction), so a network
// call costs what a small real one does. Defaults: batch 64, 32×32, 64 channels, 20 steps, 5 rounds.
//   npm run bench:sampler
//   npm run bench:sampler -- --batch 16 --res 64 --channels 96 --steps 10 --rounds 3 --solver heun
//   npm run bench:sampler -- --eta 1          (DDIM with fresh noise every step)
// Bare runs and source runs alternate, round by round, and medians are compared: the machine may be shared
// (the load average is printed with the results).

import { cpus, loadavg } from 'node:os';
import * as ort from 'onnxruntime-node';
import { DenoiserManifest } from '../src/manifest/denoiser-manifest.schemas.js';
import { DenoiserSource, OnnxDenoiser } from '../src/evaluation/sources/denoiser-source.js';
import { GraphBuilder, attr } from '../src/onnx/graph-builder.js';
import { normalWeights } from '../src/onnx/models/seeded-weights.js';
import { batchNormals } from '../src/sampling/noise.js';
import { Solver, expectedNfe } from '../src/sampling/samplers.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`--${name} must be a positive integer`);
  return v;
}
const solverFlag = process.argv.indexOf('--solver');
const SOLVER = Solver.parse(solverFlag >= 0 ? process.argv[solverFlag + 1] : 'ddim');
const BATCH = flag('batch', 64);
const RES = flag('res', 32);
const CH = flag('channels', 64);
const STEPS = flag('steps', 20);
const ROUNDS = flag('rounds', 5);
const etaFlag = process.argv.indexOf('--eta');
const ETA = etaFlag >= 0 ? Number(process.argv[etaFlag + 1]) : 0;
if (!(ETA >= 0 && ETA <= 1) || (ETA > 0 && SOLVER !== 'ddim')) throw new RangeError('--eta must be in [0, 1], with --solver ddim');

/** x_t → conv3×3(3→C) → relu → conv3×3(C→C) → relu → conv3×3(C→3) → tanh, plus 0·t so t is a real input. */
function convDenoiser(): Uint8Array {
  const g = new GraphBuilder({ name: 'bench-denoiser' }).input('x_t', 'float32', ['batch', 3, RES, RES]).input('t', 'float32', ['batch']);
  const conv = (name: string, input: string, cin: number, cout: number) => {
    g.initializer(`${name}_w`, normalWeights(1, `${name}_w`, cout * cin * 9, 1 / Math.sqrt(cin * 9)), [cout, cin, 3, 3]);
    g.initializer(`${name}_b`, new Float32Array(cout), [cout]);
    g.node('Conv', [input, `${name}_w`, `${name}_b`], [name], { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) });
  };
  conv('c1', 'x_t', 3, CH);
  g.node('Relu', ['c1'], ['r1']);
  conv('c2', 'r1', CH, CH);
  g.node('Relu', ['c2'], ['r2']);
  conv('c3', 'r2', CH, 3);
  g.initializer('col', new BigInt64Array([-1n, 1n, 1n, 1n]), [4]).initializer('zero', new Float32Array([0]), []);
  g.node('Reshape', ['t', 'col'], ['t_col'])
    .node('Mul', ['t_col', 'zero'], ['t0'])
    .node('Add', ['c3', 't0'], ['pre'])
    .node('Tanh', ['pre'], ['out']);
  return g.output('out', 'float32', ['batch', 3, RES, RES]).toBytes();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const manifest = DenoiserManifest.parse({
  name: 'bench',
  kind: 'denoiser',
  resolution: RES,
  classes: 0,
  channels: 3,
  inputs: { x: 'x_t', t: 't' },
  outputs: { prediction: 'out' },
  prediction: 'eps',
  schedule: { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000 },
  time_input: 'sigma',
  output_range: [-1, 1],
});

const session = await ort.InferenceSession.create(convDenoiser(), { graphOptimizationLevel: 'all' });
const nfe = expectedNfe(SOLVER, STEPS);
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

async function bare(): Promise<number> {
  const t0 = performance.now();
  for (let k = 0; k < nfe; k++) await session.run(feeds, ['out']);
  return (performance.now() - t0) / nfe;
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

async function viaSource(): Promise<{ perStep: number; outside: number }> {
  const src = new DenoiserSource(new OnnxDenoiser(session, manifest), manifest, {
    n: BATCH,
    seed: 0,
    batchSize: BATCH,
    sampler: { solver: SOLVER, steps: STEPS, guidance: 1, eta: ETA },
  });
  insideRun = 0;
  const t0 = performance.now();
  await src.sampleRange(0, BATCH);
  const total = performance.now() - t0;
  return { perStep: total / nfe, outside: (total - insideRun) / nfe };
}

await bare(); // warm-up: allocator, thread pool, JIT
await viaSource();
const bareMs: number[] = [];
const sourceMs: number[] = [];
const outsideMs: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  bareMs.push(await bare());
  const { perStep, outside } = await viaSource();
  sourceMs.push(perStep);
  outsideMs.push(outside);
}
await session.release();

const b = median(bareMs);
const s = median(sourceMs);
console.log(
  `sampler benchmark: ${SOLVER}${ETA > 0 ? ` η=${ETA}` : ''}, ${STEPS} steps (${nfe} network evaluations), batch ${BATCH}, ${RES}×${RES}, ${CH} channels, ${ROUNDS} rounds`,
);
console.log(
  `machine: ${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, onnxruntime ${ort.env.versions?.node ?? '?'} (cpu)`,
);
console.log(`bare session.run        ${b.toFixed(2)} ms per network evaluation (rounds: ${bareMs.map((v) => v.toFixed(1)).join(', ')})`);
console.log(`denoiser source         ${s.toFixed(2)} ms per network evaluation (rounds: ${sourceMs.map((v) => v.toFixed(1)).join(', ')})`);
const o = median(outsideMs);
console.log(`ratio source/bare       ${(s / b).toFixed(3)}  (overhead ${(100 * (s / b - 1)).toFixed(1)}%; target < 5%)`);
console.log(
  `outside session.run     ${o.toFixed(2)} ms per network evaluation = ${((100 * o) / b).toFixed(1)}% of a bare call (noise, feeds, checks, solver, conversions)`,
);
