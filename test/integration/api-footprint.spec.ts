import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

/**
 * The API imports the contracts (contracts/) and never the runner's implementation (README.md, "Layout"):
 * a process started as `npm run api` starts does not load onnxruntime, sharp or the runner's numerics. Uploads
 * are inspected in a child process forked by path, which loads them there. Checked on a real API process:
 * every ES module it resolves is recorded by a loader hook (test/support/module-footprint.preload.mjs), and
 * its native libraries are read from /proc/<pid>/maps once it listens.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The runner files the API may load: the narrow entry (runner/src/api-entry.ts) and what it needs to fork the
 * inspection child and to check, by presence, that a suite's files are there. Nothing here decodes, resizes,
 * solves or runs a model.
 */
const RUNNER_FILES_ALLOWED = new Set([
  'runner/src/api-entry.ts',
  'runner/src/inspect/run-inspection.ts',
  'runner/src/child/fork-module.ts',
  // Forks the child that computes an image-conditioned suite's published inputs (GET /api/suites/:id/inputs).
  'runner/src/conditions/publish-inputs.ts',
  'runner/src/child/memory-limit.ts',
  'runner/src/suites/availability.ts',
  'runner/src/assets/assets.ts',
  'runner/src/datasets/dataset-error.ts',
  'runner/src/datasets/segmentation-dataset-files.ts',
  'runner/src/datasets/cocostuff27-files.ts',
  'runner/src/datasets/cityscapes27-files.ts',
  // The text-to-image suites' prompt lists (benchmarks/prompts/, suites as data) are generated from a seeded
  // PRNG when the API serves them. Small pure generators, no numerics of the kinds above; they belong in
  // contracts/ or behind the entry, and are listed here until they move.
  'runner/src/text/synthetic-prompts.ts',
  'runner/src/random/prng.ts',
  'runner/src/random/protocol-streams.ts',
  // How an evaluation's samples split into shards (issue #18): the API plans the shard rows when it queues a
  // sharded evaluation. Index arithmetic only, no imports.
  'runner/src/sharding/shard-plan.ts',
]);

/** Packages whose loading means the API runs models or images itself. */
const FORBIDDEN_PACKAGES = /\/node_modules\/(onnxruntime-node|onnxruntime-common|onnxruntime-web|sharp|@img)\//;
/** Native libraries of those packages, as mapped into the process. */
const FORBIDDEN_LIBRARIES = /onnxruntime|libvips|sharp-[a-z0-9-]+\.node/;

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolvePort(port));
    });
  });
}

describe('the API process', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let modules: string[] = [];
  let maps = '';
  let output = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genbench-footprint-'));
    const modulesFile = join(dir, 'modules.txt');
    const port = await freePort();
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', './test/support/module-footprint.preload.mjs', 'api/src/main.ts'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          DATABASE_URL: inject('databaseUrl'),
          REDIS_URL: inject('redisUrl'),
          GENBENCH_PORT: String(port),
          GENBENCH_DATA_DIR: join(dir, 'data'),
          GENBENCH_QUEUE_PREFIX: `footprint-${process.pid}`,
          GENBENCH_SCHEDULER: 'off',
          GENBENCH_RECONCILE_INTERVAL_S: '0',
          GENBENCH_LOG_LEVEL: 'warn',
          GENBENCH_MODULES_FILE: modulesFile,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = proc;
    await new Promise<void>((resolveListening, reject) => {
      const onData = (d: Buffer) => {
        output += d.toString();
        if (output.includes('genbench API listening')) resolveListening();
      };
      proc.stdout.on('data', onData);
      proc.stderr.on('data', onData);
      proc.once('exit', (code) => reject(new Error(`the API exited (${code}) before listening:\n${output}`)));
    });
    // A request through the routes that touch suites, metrics and leaderboards, in case anything loads late.
    for (const path of ['/api/suites', '/api/metrics', '/api/leaderboards?task=unconditional-generation&resolution=32']) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      expect(res.status, path).toBe(200);
    }
    maps = await readFile(`/proc/${proc.pid}/maps`, 'utf8');
    modules = [...new Set((await readFile(modulesFile, 'utf8')).split('\n').filter(Boolean))];
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('records the modules it loads (the check below can see a runner file)', () => {
    expect(modules).toContain(new URL('../../api/src/main.ts', import.meta.url).href);
    expect(modules.some((u) => u.includes('/node_modules/@nestjs/core/'))).toBe(true);
  });

  it('loads neither onnxruntime nor sharp, as JavaScript or as a native library', () => {
    expect(modules.filter((u) => FORBIDDEN_PACKAGES.test(u))).toEqual([]);
    const libraries = [...new Set(maps.split('\n').map((l) => l.split(/\s+/)[5] ?? ''))].filter((p) => FORBIDDEN_LIBRARIES.test(p));
    expect(libraries).toEqual([]);
  });

  it("loads no runner file but the narrow entry's (no solvers, linear algebra, matching, resizing or decoders)", () => {
    const runnerFiles = modules
      .filter((u) => u.startsWith('file://'))
      .map((u) => relative(ROOT, fileURLToPath(u)))
      .filter((p) => p.startsWith('runner/'));
    expect(runnerFiles.filter((p) => !RUNNER_FILES_ALLOWED.has(p))).toEqual([]);
  });
});
