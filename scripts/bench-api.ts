// `npm run bench:api` (a benchmark, not a test): with 10,000 evaluations over 2,000 models in a scratch
// database, drive /api/health (the framework's floor) and then the leaderboard endpoint from a second process
// (autocannon) on loopback; print requests/s and p50/p99 latency of both.
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createApp } from '../api/src/app.factory.js';
import { loadConfig } from '../api/src/config/config.js';
import { migrate, recreateDatabase } from '../api/src/database/migrator.js';

const EVALUATIONS = Number(process.env.BENCH_EVALUATIONS ?? 10_000);
const MODELS = Math.max(1, Math.round(EVALUATIONS / 5));
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/genbench_bench';

await recreateDatabase(databaseUrl);
await migrate(databaseUrl);
const config = loadConfig(
  { ...process.env, DATABASE_URL: databaseUrl },
  {
    port: 0,
    logLevel: 'error',
    rateLimitPerMinute: 0,
    reconcileIntervalMs: 0,
    scheduler: false,
    queuePrefix: 'genbench-bench',
    dataDir: join(tmpdir(), 'genbench-bench'),
  },
);
const app = await createApp(config); // registers the suites

const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();
const t0 = performance.now();
// MODELS models, one version each, EVALUATIONS succeeded evaluations on smoke-32 spread over them (a
// nightly history of five per model), each with its FID.
await db.query(
  `
  INSERT INTO models (id, name, owner, kind)
  SELECT gen_random_uuid(), 'bench-' || g, 'bench', 'generator' FROM generate_series(1, $1) g;
  `.trim(),
  [MODELS],
);
await db.query(`
  INSERT INTO model_versions (id, model_id, version, artifact_sha256, artifact_size, manifest)
  SELECT gen_random_uuid(), m.id, 1, md5(m.id::text) || md5(m.name), 1000, '{}'::jsonb FROM models m WHERE m.owner = 'bench'`);
await db.query(
  `
  INSERT INTO evaluations (id, model_version_id, suite_version_id, trigger, status, attempts, progress, queued_at, started_at, finished_at, provenance)
  SELECT gen_random_uuid(), mv.id, sv.id, CASE WHEN k = 1 THEN 'submit' ELSE 'nightly' END::"EvaluationTrigger", 'succeeded', 1, 1,
         now() - (k || ' days')::interval, now() - (k || ' days')::interval, now() - (k || ' days')::interval + interval '1 minute', '{"protocol": {}}'::jsonb
  FROM model_versions mv CROSS JOIN generate_series(1, $1) k
  JOIN suite_versions sv ON sv.suite_id = 'smoke-32' AND sv.version = 1`,
  [Math.round(EVALUATIONS / MODELS)],
);
await db.query(`
  INSERT INTO metric_values (id, evaluation_id, metric_id, value)
  SELECT gen_random_uuid(), e.id, 'fid', random() * 50 FROM evaluations e`);
const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM evaluations');
await db.end();
console.log(`seeded ${rows[0].n} evaluations over ${MODELS} models in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

await app.listen(0, '127.0.0.1');
const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/api/leaderboards?task=unconditional-generation&resolution=32`;
const first = await fetch(url);
const body = (await first.json()) as { boards: Array<{ entries: unknown[] }> };
console.log(`leaderboard: ${body.boards.length} board(s), ${body.boards.reduce((n, b) => n + b.entries.length, 0)} ranked entries`);

const autocannon = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
interface Result {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
}
function drive(target: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    let text = '';
    const child = spawn(process.execPath, [autocannon, '-j', '-c', String(CONNECTIONS), '-d', String(DURATION_S), target], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(text) as Result) : reject(new Error(`autocannon exited with ${code}`))));
  });
}
const print = (what: string, r: Result) => {
  console.log(`${what}:`);
  console.log(`  requests/s: ${r.requests.average.toFixed(1)} (total ${r.requests.total}, non-2xx ${r.non2xx}, errors ${r.errors})`);
  console.log(`  latency: p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, mean ${r.latency.average.toFixed(1)} ms`);
};

// /api/health first, as the floor of the framework on this machine now (it pings PostgreSQL, Redis and the
// queue); then the leaderboard, in the same run, so the two are compared under the same load.
const [load1] = (await import('node:os')).loadavg();
console.log(
  `load average before: ${load1!.toFixed(2)}; ${CONNECTIONS} connections, ${DURATION_S} s each, from a second process on loopback`,
);
const health = await drive(url.replace(/\/api\/leaderboards.*$/, '/api/health'));
print('GET /api/health (floor)', health);
const board = await drive(url);
print(`GET /api/leaderboards?task=unconditional-generation&resolution=32 with ${rows[0].n} evaluations`, board);
console.log(
  `leaderboard/health: ${(board.requests.average / health.requests.average).toFixed(2)} of the floor's requests/s; ` +
    `targets: >= 500 requests/s and p99 < 50 ms (${board.requests.average >= 500 && board.latency.p99 < 50 ? 'met' : 'NOT met'})`,
);
await app.close();
