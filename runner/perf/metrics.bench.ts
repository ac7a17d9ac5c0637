// Benchmark of the metric hot paths against numpy/scipy on the same data, in the same run:
//   1. FID statistics (mean + ddof=1 covariance) of N × D features      vs np.mean + np.cov
//   2. Fréchet distance of two D-dimensional Gaussians (the sqrtm part)  vs scipy.linalg.sqrtm(Σ₁Σ₂)
//   3. precision/recall (k = 3) of N samples against R references        vs an ADM-style numpy implementation
// Defaults are the ADM sizes (N = 50,000, R = 10,000, D = 2,048). Smaller runs:
//   npm run bench:metrics -- --quick            (N = 5,000, R = 2,000, D = 2,048)
//   npm run bench:metrics -- --samples 20000 --reference 5000 --dim 1024 --only stats,fd --repeat 3 --no-python
// or the same through GENBENCH_BENCH_SAMPLES / _REFERENCE / _DIM / _ONLY / _REPEAT. The machine may be shared:
// both sides run alternately on the same data, the best of `repeat` rounds counts, and load averages are printed.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { NpzWriter } from '../src/io/npz.js';
import { computeFeatureStats } from '../src/metrics/feature-stats.js';
import { frechetDistanceDetailed } from '../src/metrics/frechet-distance.js';
import { getKernels } from '../src/metrics/kernels/get-kernels.js';
import { precisionRecall } from '../src/metrics/precision-recall.js';
import { gaussians } from '../../test/support/metric-test-data.js';

interface Config {
  samples: number;
  reference: number;
  dim: number;
  only: Set<string>;
  python: boolean;
  /** Alternating rounds for the statistics and Fréchet distance timings (best of each side). */
  repeat: number;
}

function parseConfig(argv: string[], env: NodeJS.ProcessEnv): Config {
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const int = (name: string, envName: string, full: number, small: number, min = 8) => {
    const v = flag(name) ?? env[envName];
    const n = v === undefined ? (quick ? small : full) : Number(v);
    if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`--${name} must be an integer ≥ ${min}, got ${v}`);
    return n;
  };
  return {
    samples: int('samples', 'GENBENCH_BENCH_SAMPLES', 50_000, 5_000),
    reference: int('reference', 'GENBENCH_BENCH_REFERENCE', 10_000, 2_000),
    dim: int('dim', 'GENBENCH_BENCH_DIM', 2_048, 2_048),
    only: new Set((flag('only') ?? env.GENBENCH_BENCH_ONLY ?? 'stats,fd,pr').split(',')),
    python: !argv.includes('--no-python'),
    repeat: int('repeat', 'GENBENCH_BENCH_REPEAT', 2, 2, 1),
  };
}

/**
 * Inception-like features: non-negative, correlated through a few factors shared by both sets (the mixing
 * matrix is fixed), so covariances are full rank but far from identity and the two sets overlap partly.
 */
function features(seed: number, rows: number, dim: number, shift: number): Float32Array {
  const factors = 16;
  const mix = gaussians(12345, factors * dim);
  const out = new Float32Array(rows * dim);
  const chunk = 4096;
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const n = Math.min(chunk, rows - r0);
    const z = gaussians(seed + 1 + r0, n * (factors + dim));
    for (let i = 0; i < n; i++) {
      const zi = i * (factors + dim);
      for (let c = 0; c < dim; c++) {
        let s = z[zi + factors + c] * 0.5 + shift;
        for (let f = 0; f < factors; f++) s += z[zi + f] * mix[f * dim + c] * 0.25;
        out[(r0 + i) * dim + c] = Math.max(0, s);
      }
    }
  }
  return out;
}

const PYTHON = String.raw`
import json, sys, time, warnings
import numpy as np
from scipy import linalg
warnings.filterwarnings('ignore')
cfg = json.loads(sys.argv[1])
z = np.load(cfg['file'])
s, r = z['samples'], z['reference']
out = {'numpy': np.__version__}
def timed(f):
    t = time.perf_counter(); v = f(); return v, time.perf_counter() - t
# warm-up (BLAS threads, imports)
np.cov(s[:64, :64], rowvar=False); linalg.sqrtm(np.eye(8))
if 'stats' in cfg['only'] or 'fd' in cfg['only']:
    (mu1, s1), t1 = timed(lambda: (np.mean(s, axis=0, dtype=np.float64), np.cov(s, rowvar=False)))
    (mu2, s2), t2 = timed(lambda: (np.mean(r, axis=0, dtype=np.float64), np.cov(r, rowvar=False)))
    out['stats_samples_s'] = t1; out['stats_reference_s'] = t2
    if 'fd' in cfg['only']:
        covmean, t = timed(lambda: linalg.sqrtm(s1.dot(s2), disp=False)[0])
        out['sqrtm_s'] = t
        d = mu1 - mu2
        out['fid'] = float(d.dot(d) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean.real))
if 'pr' in cfg['only']:
    # ADM's ManifoldEstimator in float32 (its fp32 path): row batches, np.partition for the radius, <= test.
    def dist(u, v):
        nu = (u * u).sum(1)[:, None]; nv = (v * v).sum(1)[None, :]
        return np.maximum(nu - 2 * (u @ v.T) + nv, 0)
    def radii(x, batch=5000):
        out = np.empty(len(x), np.float32)
        for b in range(0, len(x), batch):
            out[b:b + batch] = np.partition(dist(x[b:b + batch], x), 3, axis=1)[:, 3]
        return out
    def pr():
        rr, rs = radii(r), radii(s)
        s_in = np.zeros(len(s), bool); r_in = np.zeros(len(r), bool)
        for b in range(0, len(r), 5000):
            d = dist(r[b:b + 5000], s)
            r_in[b:b + 5000] |= (d <= rs[None, :]).any(1)
            s_in |= (d <= rr[b:b + 5000, None]).any(0)
        return float(s_in.mean()), float(r_in.mean())
    (p, q), t = timed(pr)
    out['pr_s'] = t; out['precision'] = p; out['recall'] = q
print(json.dumps(out))
`;

function seconds(t0: number): number {
  return (performance.now() - t0) / 1000;
}

async function main(): Promise<void> {
  const cfg = parseConfig(process.argv.slice(2), process.env);
  const { samples: n, reference: m, dim: d } = cfg;
  const kernels = await getKernels('auto');
  console.log(
    `metrics benchmark: samples ${n} × ${d}, reference ${m} × ${d}; kernels: ${kernels.name}; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`,
  );
  console.log(
    `load average before: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );

  let t0 = performance.now();
  const s = features(1_000_000, n, d, 0.3);
  const r = features(2_000_000, m, d, 0.32);
  console.log(`generated features in ${seconds(t0).toFixed(1)} s`);

  // Warm-up: onnxruntime sessions for these shapes.
  await computeFeatureStats(s.subarray(0, 64 * d), 64, d);
  await precisionRecall({ data: s.subarray(0, 16 * d), rows: 16, dim: d }, { data: r.subarray(0, 16 * d), rows: 16, dim: d });

  const ours: Record<string, number> = {};
  const py: Record<string, number> = {};
  const values: Record<string, number> = {};
  const pyValues: Record<string, number> = {};
  const best = (into: Record<string, number>, key: string, t: number) => (into[key] = Math.min(into[key] ?? Infinity, t));

  // The numpy/scipy peer reads the same features from a temporary .npz.
  let peer: ((only: string[]) => Record<string, number> | undefined) | undefined;
  let cleanup = () => {};
  if (cfg.python) {
    const probe = spawnSync('python3', ['-c', 'import numpy, scipy'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      console.log('python3 with numpy and scipy not found: numpy/scipy comparison skipped');
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'genbench-bench-'));
      cleanup = () => rmSync(dir, { recursive: true, force: true });
      const file = join(dir, 'features.npz');
      const w = await NpzWriter.create(file);
      await w.add('samples', { dtype: 'float32', shape: [n, d], data: s });
      await w.add('reference', { dtype: 'float32', shape: [m, d], data: r });
      await w.close();
      peer = (only) => {
        const res = spawnSync('python3', ['-c', PYTHON, JSON.stringify({ file, only })], { encoding: 'utf8', maxBuffer: 1 << 20 });
        if (res.status !== 0) {
          console.log(`numpy/scipy peer failed: ${res.stderr}`);
          return undefined;
        }
        return JSON.parse(res.stdout.trim().split('\n').pop()!) as Record<string, number>;
      };
    }
  }

  try {
    // The machine may be shared: both sides run alternately, `repeat` times, and the best time of each counts.
    const dense = ['stats', 'fd'].filter((t) => cfg.only.has(t));
    for (let rep = 0; rep < (dense.length ? cfg.repeat : 0); rep++) {
      t0 = performance.now();
      const statsS = await computeFeatureStats(s, n, d);
      best(ours, 'stats_samples_s', seconds(t0));
      t0 = performance.now();
      const statsR = await computeFeatureStats(r, m, d);
      best(ours, 'stats_reference_s', seconds(t0));
      if (cfg.only.has('fd')) {
        t0 = performance.now();
        const fd = await frechetDistanceDetailed(statsS, statsR);
        best(ours, 'sqrtm_s', seconds(t0));
        values.fid = fd.value;
      }
      const p = peer?.(dense);
      for (const [k, v] of Object.entries(p ?? {})) {
        if (k.endsWith('_s')) best(py, k, v);
        else pyValues[k] = v;
      }
      console.log(`  round ${rep + 1}: genbench ${JSON.stringify(ours)} numpy ${JSON.stringify(py)} (load ${loadavg()[0].toFixed(2)})`);
    }
    if (cfg.only.has('pr')) {
      t0 = performance.now();
      const pr = await precisionRecall({ data: s, rows: n, dim: d }, { data: r, rows: m, dim: d });
      ours.pr_s = seconds(t0);
      values.precision = pr.precision;
      values.recall = pr.recall;
      const p = peer?.(['pr']);
      if (p) {
        py.pr_s = p.pr_s;
        pyValues.precision = p.precision;
        pyValues.recall = p.recall;
      }
    }
  } finally {
    cleanup();
  }

  const rows: Array<[string, string, string]> = [
    ['stats_samples_s', `FID statistics, ${n} × ${d} (mean + cov)`, 'np.mean + np.cov'],
    ['stats_reference_s', `FID statistics, ${m} × ${d}`, 'np.mean + np.cov'],
    ['sqrtm_s', `Fréchet distance, ${d}-d (Cholesky + eigenvalues)`, 'scipy.linalg.sqrtm(Σ₁Σ₂)'],
    ['pr_s', `precision/recall, ${n} vs ${m} (k = 3, fp32)`, 'numpy ADM-style'],
  ];
  console.log('');
  console.log(`${'task'.padEnd(52)} ${'genbench'.padStart(9)} ${'numpy'.padStart(9)} ${'ratio'.padStart(7)}`);
  for (const [key, label, peer] of rows) {
    if (ours[key] === undefined) continue;
    const other = py[key] as number | undefined;
    const ratio = other === undefined ? '' : `${(ours[key] / other).toFixed(2)}×`;
    console.log(
      `${label.padEnd(52)} ${`${ours[key].toFixed(2)} s`.padStart(9)} ${other === undefined ? '—'.padStart(9) : `${other.toFixed(2)} s`.padStart(9)} ${ratio.padStart(7)}  (${peer})`,
    );
  }
  console.log('(ratio = genbench time / numpy time: below 1 is faster than numpy/scipy)');
  if (values.fid !== undefined) {
    const pf = pyValues.fid as number | undefined;
    console.log(
      `FID: genbench ${values.fid}${pf === undefined ? '' : `, numpy/scipy ${pf} (relative difference ${(Math.abs(values.fid - pf) / Math.abs(pf)).toExponential(2)})`}`,
    );
  }
  if (values.precision !== undefined) {
    console.log(
      `precision/recall: genbench ${values.precision} / ${values.recall}${pyValues.precision === undefined ? '' : `, numpy ${pyValues.precision} / ${pyValues.recall}`}`,
    );
  }
  console.log(
    `load average after: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
}

await main();
