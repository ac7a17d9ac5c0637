// `npm run demo`: the whole service on this machine. Migrates the database, starts the API (serving the
// dashboard) and a runner against PostgreSQL and Redis on localhost, submits the bundled example models,
// waits for their scores, prints the leaderboard, and keeps serving until interrupted.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { pino } from 'pino';
import { createApp } from '../api/src/app.factory.js';
import { issueToken } from '../api/src/auth/issue-token.js';
import { loadConfig } from '../api/src/config/config.js';
import { ensureDatabase, migrate } from '../api/src/database/migrator.js';
import { writeExampleDenoisers } from '../benchmarks/smoke/example-denoisers.js';
import { writeExampleModels } from '../benchmarks/smoke/example-models.js';
import { writeExampleSegmentationModels } from '../benchmarks/segmentation/example-models.js';
import { startRunner } from '../runner/src/worker/runner.js';
import { defaultNoiseThreads } from '../runner/src/sampling/noise-pool.js';

const config = loadConfig();
const log = pino({ name: 'demo', level: process.env.GENBENCH_LOG_LEVEL ?? 'info' });

function step(msg: string): void {
  process.stdout.write(`\n▶ ${msg}\n`);
}

step(`database ${new URL(config.databaseUrl).pathname.slice(1)} on ${new URL(config.databaseUrl).host}`);
try {
  await ensureDatabase(config.databaseUrl);
  const m = await migrate(config.databaseUrl);
  console.log(`  migrations: ${m.applied.length} applied, ${m.alreadyApplied.length} already there`);
} catch (err) {
  console.error(
    `cannot reach PostgreSQL at ${config.databaseUrl}: ${(err as Error).message}\nStart it (see README, "Services") or set DATABASE_URL.`,
  );
  process.exit(1);
}

if (!existsSync(join(config.dashboardDir, 'index.html')) && existsSync('dashboard/index.html')) {
  step('building the dashboard');
  const b = spawnSync('npm', ['run', 'build:dashboard', '--silent'], { stdio: 'inherit' });
  if (b.status !== 0) console.warn('  dashboard build failed; the API still serves /api');
}

step('starting the API');
const app = await createApp({ ...config, logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel });
try {
  await app.listen(config.port, config.host);
} catch (err) {
  console.error(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message} (set GENBENCH_PORT)`);
  process.exit(1);
}
const baseUrl = `http://${config.host}:${config.port}`;
console.log(`  ${baseUrl}/api/docs`);

step('starting a runner');
const runnerToken = (await issueToken(config, { name: 'demo runner', role: 'runner', owner: 'demo-runner' })).secret;
const runner = startRunner(
  {
    redisUrl: config.redisUrl,
    apiUrl: baseUrl,
    token: runnerToken,
    queuePrefix: config.queuePrefix,
    runnerId: 'demo-runner',
    cacheDir: join(config.dataDir, 'runner-cache'),
    executionProvider: (process.env.GENBENCH_EP as 'cpu' | 'webgpu' | 'cuda' | undefined) ?? 'cpu',
    concurrency: 1,
    noiseThreads: defaultNoiseThreads(),
    evalTimeoutMs: 600_000,
    lockMs: 60_000,
    childMemoryLimitBytes: config.childMemoryLimitBytes,
  },
  log.child({ name: 'runner' }),
);

step('submitting the example models');
const submitter = await issueToken(config, { name: 'demo submitter', role: 'submitter', owner: 'demo' });
const examples = [
  ...(await writeExampleModels(join(config.dataDir, 'examples'))),
  ...(await writeExampleDenoisers(join(config.dataDir, 'examples'))),
  ...(await writeExampleSegmentationModels(join(config.dataDir, 'examples'))),
];
const { readFile } = await import('node:fs/promises');
const evaluationIds: string[] = [];
for (const ex of examples) {
  const form = new FormData();
  form.append('file', new Blob([await readFile(ex.modelPath)]), `${ex.name}.onnx`);
  form.append('manifest', await readFile(ex.manifestPath, 'utf8'));
  const res = await fetch(`${baseUrl}/api/models`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${submitter.secret}` },
  });
  const body = (await res.json()) as { message?: string; evaluations?: Array<{ id: string; suite: { id: string } }> };
  if (res.status === 409) {
    console.log(`  ${ex.name}: already submitted earlier (${body.message})`);
    continue;
  }
  if (!res.ok) {
    console.error(`  ${ex.name}: ${res.status} ${body.message}`);
    continue;
  }
  console.log(`  ${ex.name}: queued on ${body.evaluations!.map((e) => e.suite.id).join(', ')}`);
  evaluationIds.push(...body.evaluations!.map((e) => e.id));
}

step('waiting for scores');
for (const id of evaluationIds) {
  for (;;) {
    const e = (await (await fetch(`${baseUrl}/api/evaluations/${id}`)).json()) as {
      status: string;
      model: { name: string };
      metrics: Record<string, number>;
      failureReason: string | null;
    };
    if (e.status === 'succeeded' || e.status === 'failed' || e.status === 'cancelled') {
      console.log(`  ${e.model.name}: ${e.status}${e.status === 'succeeded' ? ' ' + JSON.stringify(e.metrics) : ` (${e.failureReason})`}`);
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

step('leaderboard');
const lb = (await (await fetch(`${baseUrl}/api/leaderboards`)).json()) as {
  boards: Array<{
    suite: { id: string; version: number; primaryMetric: string; higherIsBetter: boolean; protocol?: string | null };
    entries: Array<{ rank: number; model: { name: string; owner: string }; modelVersion: number; metrics: Record<string, number> }>;
  }>;
};
const suites = (await (await fetch(`${baseUrl}/api/suites`)).json()) as Array<{ id: string; available: boolean }>;
for (const b of lb.boards.filter((x) => x.entries.length > 0)) {
  const protocol = b.suite.protocol ? `, ${b.suite.protocol}` : '';
  console.log(
    `\n  ${b.suite.id} v${b.suite.version} — ranked by ${b.suite.primaryMetric} (${b.suite.higherIsBetter ? 'higher' : 'lower'} is better${protocol})`,
  );
  console.table(
    b.entries.map((e) => ({
      rank: e.rank,
      model: `${e.model.name} v${e.modelVersion}`,
      owner: e.model.owner,
      ...Object.fromEntries(Object.entries(e.metrics).map(([k, v]) => [k, Number(v.toPrecision(6))])),
    })),
  );
}
const waiting = suites.filter((s) => !s.available).map((s) => s.id);
if (waiting.length)
  console.log(`\n  Unavailable until their data is downloaded (see GET /api/suites or README, "Suites"): ${waiting.join(', ')}`);
console.log(`\nDashboard: ${baseUrl}/   API docs: ${baseUrl}/api/docs`);
console.log(`A submitter token for the dashboard's Submit page: ${submitter.secret}`);
console.log('Serving until interrupted (Ctrl-C).');

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void (async () => {
      await runner.stop({ force: true });
      await app.close();
      process.exit(0);
    })().catch((err: unknown) => {
      console.error('demo: could not shut down cleanly:', err);
      process.exit(1);
    });
  });
}
