// Benchmark (issue #18.4): the wall time of one evaluation at 1, 2 and 4 runner processes on this machine,
// each runner with one onnxruntime thread (GENBENCH_ORT_THREADS=1, noise on the main thread), so the
// speed-up of sharding is measured, not assumed. Each round starts an API on a scratch database (its own
// queue prefix, GENBENCH_SHARDS = the runner count; 1 runs the evaluation whole), spawns the runner processes
// (`npm run runner`'s entry point), waits for them to be up, submits one conv denoiser to a 24×24 suite that
// allows sharding (Heun, 8 steps: a network-bound evaluation), and times it from the submission's answer to
// `succeeded`. The stored metrics must be the same in every round (printed).
//   npm run bench:shards
//   npm run bench:shards -- --samples 2048 --channels 48 --runners 1,2,4
// The wall time includes queueing, claims, uploads and the merge; the machine's load average is printed
// with the results, since a shared machine slows the rounds unevenly.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createApp } from '../../api/src/app.factory.js';
import { issueToken } from '../../api/src/auth/issue-token.js';
import { loadConfig } from '../../api/src/config/config.js';
import { migrate, recreateDatabase } from '../../api/src/database/migrator.js';
import { SuitesService } from '../../api/src/suites/suites.service.js';
import { defineSuite } from '../../contracts/suites/suite.schemas.js';
import { buildConvDenoiser, convDenoiserManifest } from '../src/onnx/models/conv-denoiser.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const SAMPLES = Number(flag('samples', '1024'));
const CHANNELS = Number(flag('channels', '32'));
const RUNNERS = flag('runners', '1,2,4').split(',').map(Number);
const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/genbench_bench_shards';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const suite = defineSuite({
  id: 'bench-shards-24',
  version: 1,
  title: 'Benchmark: sharded 24×24 denoiser',
  description: 'registered by npm run bench:shards only',
  task: 'unconditional-generation',
  resolution: 24,
  kinds: ['denoiser'],
  samples: SAMPLES,
  seed: 0,
  batch_size: 32,
  reference: { type: 'synthetic-shapes', n: 256, seed: 1 },
  extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: 24, normalization: 'minus-one-one' },
  metrics: ['fid'],
  primary: 'fid',
  time_limit_s: 3600,
  sampler: { solver: 'heun', steps: 8, guidance: 1, eta: 0 },
  sharding: { max_shards: 16 },
});
const model = buildConvDenoiser({ resolution: 24, channels: CHANNELS, seed: 3 });

async function round(runners: number): Promise<{ wallS: number; fid: number; shards: number; spreadOver: number }> {
  await recreateDatabase(databaseUrl);
  await migrate(databaseUrl);
  const dataDir = await mkdtemp(join(tmpdir(), 'genbench-bench-shards-'));
  const prefix = `genbench-bench-shards-${process.pid}-${runners}`;
  const config = loadConfig(
    { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl },
    { port: 0, logLevel: 'error', rateLimitPerMinute: 0, scheduler: false, queuePrefix: prefix, dataDir, shards: runners },
  );
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  await app.get(SuitesService).sync([suite]);
  const submitter = (await issueToken(config, { name: 'bench', role: 'submitter', owner: 'bench' })).secret;
  const runnerToken = (await issueToken(config, { name: 'bench runner', role: 'runner', owner: 'bench-runner' })).secret;
  const children: ChildProcess[] = [];
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const up: Promise<void>[] = [];
    for (let i = 0; i < runners; i++) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'runner/src/worker/main.ts'], {
        env: {
          ...process.env,
          REDIS_URL: redisUrl,
          GENBENCH_API_URL: baseUrl,
          GENBENCH_RUNNER_TOKEN: runnerToken,
          GENBENCH_QUEUE_PREFIX: prefix,
          GENBENCH_RUNNER_ID: `bench-${i}`,
          GENBENCH_CACHE_DIR: join(dataDir, `cache-${i}`),
          GENBENCH_ORT_THREADS: '1',
          GENBENCH_NOISE_THREADS: '0',
          GENBENCH_LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      up.push(
        new Promise((resolve, reject) => {
          let out = '';
          child.stdout!.on('data', (d: Buffer) => {
            out += d.toString();
            if (out.includes('runner started')) resolve();
          });
          child.once('exit', (code) => reject(new Error(`runner ${i} exited with ${code} before starting`)));
        }),
      );
    }
    await Promise.all(up);
    const form = new FormData();
    form.set('file', new Blob([model]), 'model.onnx');
    form.set('manifest', JSON.stringify({ ...convDenoiserManifest(24), name: `bench-${runners}` }));
    const res = await fetch(`${baseUrl}/api/models`, { method: 'POST', headers: { authorization: `Bearer ${submitter}` }, body: form });
    const body = (await res.json()) as { evaluations?: Array<{ id: string; suite: { id: string } }> };
    if (res.status !== 201) throw new Error(`submission refused: ${res.status} ${JSON.stringify(body)}`);
    const id = body.evaluations!.find((e) => e.suite.id === suite.id)!.id;
    const t0 = performance.now();
    for (;;) {
      const { rows } = await db.query<{ status: string; failure_reason: string | null }>(
        'SELECT status, failure_reason FROM evaluations WHERE id = $1',
        [id],
      );
      const status = rows[0]!.status;
      if (status === 'succeeded') break;
      if (status !== 'queued' && status !== 'running') throw new Error(`evaluation ${status}: ${rows[0]!.failure_reason}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const wallS = (performance.now() - t0) / 1000;
    const fid = (await db.query<{ value: number }>("SELECT value FROM metric_values WHERE evaluation_id = $1 AND metric_id = 'fid'", [id]))
      .rows[0]!.value;
    const shards = await db.query<{ runner_id: string }>('SELECT runner_id FROM evaluation_shards WHERE evaluation_id = $1', [id]);
    return { wallS, fid, shards: shards.rows.length || 1, spreadOver: new Set(shards.rows.map((r) => r.runner_id)).size || 1 };
  } finally {
    await db.end();
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
          }),
      ),
    );
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

console.log(
  `one evaluation: conv denoiser (${CHANNELS} channels), ${SAMPLES} samples at 24×24, Heun 8 steps; each runner 1 onnxruntime thread; ${cpus().length} cores`,
);
const results: Array<{ runners: number; wallS: number; fid: number; shards: number; spreadOver: number }> = [];
for (const runners of RUNNERS) {
  const before = loadavg()[0]!;
  const r = await round(runners);
  results.push({ runners, ...r });
  const base = results[0]!;
  console.log(
    `${runners} runner process(es): ${r.wallS.toFixed(1)} s wall, ${r.shards} shard(s) over ${r.spreadOver} runner(s), speed-up ×${(base.wallS / r.wallS).toFixed(2)} vs ${base.runners}; fid ${r.fid}${
      r.fid === base.fid ? '' : ' (DIFFERS)'
    }; load average ${before.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`,
  );
}
process.exit(results.every((r) => r.fid === results[0]!.fid) ? 0 : 1);
