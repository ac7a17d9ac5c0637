// `npm run demo` as a newcomer runs it, twice on the same database: readable output (no JSON log lines),
// an admin token that works, and a second run that reuses what the first submitted.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { scratchDatabase } from '../support/scratch-database.js';

const ROOT = join(import.meta.dirname, '../..');
const EXAMPLES = [
  'tiny-gan-smooth',
  'tiny-gan-mixed',
  'tiny-gan-noisy',
  'gauss-ddpm-fitted',
  'gauss-ddpm-grey',
  'colour-segmenter',
  'rgb-features',
  't2i-disc-ddim',
  't2i-drawn-samples',
  'sr4-bilinear',
  'edit-recolour',
  'canny-fill-captioned',
];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface DemoRun {
  output: string;
  lines: string[];
  child: ChildProcess;
}

/** Starts the demo and resolves once it serves (its output so far), or rejects with that output. */
function startDemo(env: NodeJS.ProcessEnv): Promise<DemoRun> {
  const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/demo.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the demo did not start serving within 400 s:\n${output}`));
    }, 400_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Serving until interrupted')) {
        clearTimeout(timer);
        resolve({ output, lines: output.split('\n'), child });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited (${code}) before serving:\n${output}`));
    });
  });
}

async function stopDemo(run: DemoRun): Promise<number | null> {
  if (run.child.exitCode !== null) return run.child.exitCode;
  const exited = new Promise<number | null>((resolve) => run.child.once('exit', (code) => resolve(code)));
  run.child.kill('SIGINT');
  return exited;
}

describe('npm run demo, twice on one database', () => {
  // Its own database, which the demo creates and migrates itself (twice: the second run finds it).
  const scratch = scratchDatabase('demo');
  const databaseUrl = scratch.url;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let baseUrl: string;
  const runs: DemoRun[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'genbench-demo-test-'));
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    env = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: inject('redisUrl'),
      GENBENCH_PORT: String(port),
      GENBENCH_DATA_DIR: dataDir,
      GENBENCH_QUEUE_PREFIX: `gbdemo-${randomBytes(3).toString('hex')}`,
      GENBENCH_RATE_LIMIT_PER_MINUTE: '0',
    };
  });

  afterAll(async () => {
    for (const r of runs) await stopDemo(r);
    await rm(dataDir, { recursive: true, force: true });
    await scratch.drop();
  });

  const modelsOfDemo = async () =>
    (
      (await (await fetch(`${baseUrl}/api/models?owner=demo&limit=500`)).json()) as {
        items: Array<{ name: string; latestVersion: number }>;
      }
    ).items;

  it(
    'first run: scores every example, prints readable steps (no JSON log lines), a submitter and an admin token',
    { timeout: 600_000 },
    async () => {
      const run = await startDemo(env);
      runs.push(run);
      try {
        await checkFirstRun(run);
      } finally {
        await stopDemo(run);
      }
      expect(run.child.exitCode).toBe(0);
    },
  );

  async function checkFirstRun(run: DemoRun): Promise<void> {
    const json = run.lines.filter((l) => l.trimStart().startsWith('{'));
    expect(json, run.output).toEqual([]);
    for (const name of EXAMPLES) expect(run.output).toMatch(new RegExp(`^  ${name}: queued on `, 'm'));
    expect(run.output).toMatch(/^ {2}tiny-gan-smooth on smoke-32: succeeded \(fid \d/m);
    // A text-and-image model: the editor reads each instruction through its own text encoder.
    expect(run.output).toMatch(/^ {2}edit-recolour on smoke-edit-32: succeeded \(clip_directional \d/m);

    const admin = /^An admin token .*: (gb_admin_\S+)$/m.exec(run.output)?.[1];
    expect(admin, run.output).toBeDefined();
    const whoami = (await (await fetch(`${baseUrl}/api/auth/whoami`, { headers: { authorization: `Bearer ${admin}` } })).json()) as {
      role: string;
    };
    expect(whoami.role).toBe('admin');
    expect(run.output).toContain(`More tokens: DATABASE_URL=${databaseUrl} npm run token -- --role`);

    const models = await modelsOfDemo();
    expect(models.map((m) => m.name).sort()).toEqual([...EXAMPLES].sort());
  }

  it('second run: every example is already there, nothing is submitted again, each model once at v1', { timeout: 600_000 }, async () => {
    const run = await startDemo(env);
    runs.push(run);
    try {
      await checkSecondRun(run);
    } finally {
      await stopDemo(run);
    }
    expect(run.child.exitCode).toBe(0);
  });

  async function checkSecondRun(run: DemoRun): Promise<void> {
    for (const name of EXAMPLES) expect(run.output).toMatch(new RegExp(`^  ${name}: already there \\(v1, `, 'm'));
    expect(run.output).not.toMatch(/queued on/);
    // Its waiting step reports the scores the first run stored.
    expect(run.output).toMatch(/^ {2}tiny-gan-smooth on smoke-32: succeeded \(fid \d/m);
    const models = await modelsOfDemo();
    expect(models.map((m) => m.name).sort()).toEqual([...EXAMPLES].sort());
    expect(models.every((m) => m.latestVersion === 1)).toBe(true);
    const board = (await (await fetch(`${baseUrl}/api/leaderboards?suite=smoke-32`)).json()) as {
      boards: Array<{ entries: Array<{ model: { name: string; owner: string } }> }>;
    };
    const names = board.boards[0]!.entries.filter((e) => e.model.owner === 'demo').map((e) => e.model.name);
    expect(names.sort()).toEqual(['tiny-gan-mixed', 'tiny-gan-noisy', 'tiny-gan-smooth']);
  }
});
