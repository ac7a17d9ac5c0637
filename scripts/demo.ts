// `npm run demo`: the whole service on this machine. Migrates the database, starts the API (serving the
// dashboard) and a runner against PostgreSQL and Redis on localhost, submits the bundled example models,
// waits for their scores, prints the leaderboard, and keeps serving until interrupted.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { pino } from 'pino';
import { createApp } from '../api/src/app.factory.js';
import { issueToken } from '../api/src/auth/issue-token.js';
import { loadConfig } from '../api/src/config/config.js';
import { ensureDatabase, migrate } from '../api/src/database/migrator.js';
import { writeExampleDenoisers } from '../benchmarks/smoke/example-denoisers.js';
import { writeExampleTextToImage } from '../benchmarks/text-to-image/example-models.js';
import { writeExampleImageConditioned } from '../benchmarks/image-conditioned/example-text-models.js';
import { writeExampleModels } from '../benchmarks/smoke/example-models.js';
import { writeExampleSegmentationModels } from '../benchmarks/segmentation/example-models.js';
import { startRunner } from '../runner/src/worker/runner.js';
import { defaultNoiseThreads } from '../runner/src/sampling/noise-pool.js';

const config = loadConfig();
// The runner logs JSON lines for log collectors; between the demo's steps they would read as noise. Only
// warnings and errors (unless GENBENCH_LOG_LEVEL says otherwise), one readable line each.
const log = pino(
  { name: 'demo', level: process.env.GENBENCH_LOG_LEVEL ?? 'warn' },
  {
    write(line: string) {
      const { level, name, msg, err } = JSON.parse(line) as { level: number; name?: string; msg?: string; err?: { message?: string } };
      const label = pino.levels.labels[level] ?? String(level);
      process.stderr.write(`  [${name ?? 'demo'} ${label}] ${msg ?? ''}${err?.message ? `: ${err.message}` : ''}\n`);
    },
  },
);

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
    // One machine: the runner reads the files the API checked for.
    assetDirs: config.assets,
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
const admin = await issueToken(config, { name: 'demo admin', role: 'admin', owner: 'demo-admin' });
const asSubmitter = { authorization: `Bearer ${submitter.secret}` };
const examples: Array<{ name: string; modelPath: string; manifestPath: string; companions?: Array<{ field: string; path: string }> }> = [
  ...(await writeExampleModels(join(config.dataDir, 'examples'))),
  ...(await writeExampleDenoisers(join(config.dataDir, 'examples'))),
  ...(await writeExampleSegmentationModels(join(config.dataDir, 'examples'))),
  ...(await writeExampleTextToImage(join(config.dataDir, 'examples'))),
  ...(await writeExampleImageConditioned(join(config.dataDir, 'examples'))),
];

interface DemoEvaluation {
  id: string;
  status: string;
  model: { name: string };
  suite: { id: string };
  metrics: Record<string, number>;
  failureReason: string | null;
}
interface DemoModel {
  id: string;
  name: string;
  versions: Array<{ id: string; version: number; artifactSha256: string; evaluations: DemoEvaluation[] }>;
}
const getJson = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${baseUrl}${path}`, { headers: asSubmitter });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};

// A second run on the same database reuses what the first one submitted: an example whose file is already a
// version of the demo's model of that name is not submitted again (the API would refuse the exact duplicate
// with 409), and its evaluations are the ones waited for.
const mine = await getJson<{ items: Array<{ id: string; name: string }> }>('/api/models?owner=demo&limit=500');
const byName = new Map(mine.items.map((m) => [m.name, m.id]));
const evaluationIds: string[] = [];
for (const ex of examples) {
  const bytes = await readFile(ex.modelPath);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const id = byName.get(ex.name);
  const earlier = id ? (await getJson<DemoModel>(`/api/models/${id}`)).versions.find((v) => v.artifactSha256 === sha256) : undefined;
  if (earlier) {
    console.log(
      `  ${ex.name}: already there (v${earlier.version}, ${earlier.evaluations.map((e) => `${e.suite.id} ${e.status}`).join(', ')})`,
    );
    evaluationIds.push(...earlier.evaluations.map((e) => e.id));
    continue;
  }
  const form = new FormData();
  form.append('file', new Blob([bytes]), basename(ex.modelPath));
  for (const c of ex.companions ?? []) form.append(c.field, new Blob([await readFile(c.path)]), basename(c.path));
  form.append('manifest', await readFile(ex.manifestPath, 'utf8'));
  const res = await fetch(`${baseUrl}/api/models`, { method: 'POST', body: form, headers: asSubmitter });
  const body = (await res.json()) as { message?: string; evaluations?: Array<{ id: string; suite: { id: string } }> };
  if (res.status === 409) {
    console.log(`  ${ex.name}: already there (${body.message})`);
    continue;
  }
  if (!res.ok) {
    console.error(`  ${ex.name}: ${res.status} ${body.message}`);
    continue;
  }
  console.log(`  ${ex.name}: queued on ${body.evaluations!.map((e) => e.suite.id).join(', ')}`);
  evaluationIds.push(...body.evaluations!.map((e) => e.id));
}

const formatMetrics = (m: Record<string, number>) =>
  Object.entries(m)
    .map(([k, v]) => `${k} ${Number(v.toPrecision(6))}`)
    .join(', ');

step('waiting for scores');
for (const id of evaluationIds) {
  for (;;) {
    const e = await getJson<DemoEvaluation>(`/api/evaluations/${id}`);
    if (e.status === 'succeeded' || e.status === 'failed' || e.status === 'cancelled') {
      const outcome = e.status === 'succeeded' ? formatMetrics(e.metrics) : (e.failureReason ?? '');
      console.log(`  ${e.model.name} on ${e.suite.id}: ${e.status}${outcome ? ` (${outcome})` : ''}`);
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
console.log(`An admin token (the dashboard's Admin page: queue, schedules, tokens): ${admin.secret}`);
console.log(`More tokens: DATABASE_URL=${config.databaseUrl} npm run token -- --role submitter|admin --owner NAME`);
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
