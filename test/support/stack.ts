import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { inject } from 'vitest';
import { createApp } from '../../api/src/app.factory.js';
import { issueToken } from '../../api/src/auth/issue-token.js';
import { type AppConfig, loadConfig } from '../../api/src/config/config.js';
import type { RunnerConfig } from '../../runner/src/worker/runner-config.js';
import { type RunningRunner, startRunner } from '../../runner/src/worker/runner.js';
import { submit } from './submissions.js';

/** A whole genbench stack for one test file: API on a random port, runners, its own queue prefix and data dir. */
export interface TestStack {
  config: AppConfig;
  app: NestExpressApplication;
  baseUrl: string;
  /** Unique per stack: every model this file submits is owned by it, so files never see each other's rows. */
  owner: string;
  submitterToken: string;
  runnerToken: string;
  adminToken: string;
  dataDir: string;
  runners: RunningRunner[];
  startRunner(overrides?: Partial<RunnerConfig>): RunningRunner;
  close(): Promise<void>;
}

/**
 * An API (and `runners` runners) on the suite's shared database, or on `databaseUrl` (a scratch database of
 * the spec's own, test/support/scratch-database.ts) for a spec that must see no other file's rows.
 */
export async function startStack(opts: { runners?: number; config?: Partial<AppConfig>; databaseUrl?: string } = {}): Promise<TestStack> {
  const id = randomBytes(4).toString('hex');
  const dataDir = await mkdtemp(join(tmpdir(), `genbench-test-${id}-`));
  const config = loadConfig(
    { ...process.env, DATABASE_URL: opts.databaseUrl ?? inject('databaseUrl'), REDIS_URL: inject('redisUrl') },
    {
      dataDir,
      artifactDir: join(dataDir, 'artifacts'),
      uploadTmpDir: join(dataDir, 'uploads'),
      tusDir: join(dataDir, 'tus'),
      queuePrefix: `gbtest-${id}`,
      port: 0,
      logLevel: 'warn',
      rateLimitPerMinute: 0,
      // On the run's shared database, the rows of earlier files' stacks (evaluations their runners never
      // finished before closing) are not this stack's: reconciling on its own at start would queue them here,
      // and its runners would fetch models that live in another stack's artifact store (404, retried as an
      // infrastructure fault, ahead of the spec's own jobs). A spec reconciles through POST /api/admin/reconcile,
      // or gets a scratch database, where the reconciler runs as in production.
      reconciler: opts.databaseUrl !== undefined,
      ...opts.config,
    },
  );
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const owner = `test-${id}`;
  const submitterToken = (await issueToken(config, { name: 'test submitter', role: 'submitter', owner })).secret;
  const runnerToken = (await issueToken(config, { name: 'test runner', role: 'runner', owner: `${owner}-runner` })).secret;
  const adminToken = (await issueToken(config, { name: 'test admin', role: 'admin', owner: `${owner}-admin` })).secret;
  const runners: RunningRunner[] = [];
  const stack: TestStack = {
    config,
    app,
    baseUrl,
    owner,
    submitterToken,
    runnerToken,
    adminToken,
    dataDir,
    runners,
    startRunner(overrides = {}) {
      const r = startRunner(
        {
          redisUrl: config.redisUrl,
          apiUrl: baseUrl,
          token: runnerToken,
          queuePrefix: config.queuePrefix,
          runnerId: `runner-${id}-${runners.length}`,
          cacheDir: join(dataDir, `runner-cache-${runners.length}`),
          executionProvider: 'cpu',
          concurrency: 1,
          noiseThreads: 1,
          evalTimeoutMs: 120_000,
          lockMs: 60_000,
          // The API's inspection limit, so a test that sets one sets it for the evaluations too.
          childMemoryLimitBytes: config.childMemoryLimitBytes,
          // The API's, so suites it queues find their files; a test may give the runner others.
          assetDirs: config.assets,
          ...overrides,
        },
        pino({ level: 'warn' }),
      );
      runners.push(r);
      return r;
    },
    async close() {
      await Promise.all(runners.map((r) => r.stop({ force: true }).catch(() => undefined)));
      await app.close();
      const redis = new Redis(config.redisUrl);
      const keys = await redis.keys(`${config.queuePrefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  for (let i = 0; i < (opts.runners ?? 1); i++) stack.startRunner();
  return stack;
}

/** Submits a model file with its manifest, as a browser or curl would (multipart). */
export async function submitModel(
  stack: Pick<TestStack, 'baseUrl'>,
  token: string | undefined,
  file: Uint8Array | undefined,
  manifest: unknown,
): Promise<{ status: number; body: any }> {
  return submit(stack, token, { file, manifest });
}

/** Polls `fn` every 100 ms until it returns a value (errors count as not yet), failing after `timeoutMs`. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function getJson(stack: Pick<TestStack, 'baseUrl'>, path: string, token?: string): Promise<any> {
  const res = await fetch(`${stack.baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Polls an evaluation until it leaves queued/running, recording every status it was seen in. */
export async function waitForEvaluation(
  stack: Pick<TestStack, 'baseUrl'>,
  id: string,
  timeoutMs = 90_000,
  /** Read as this token's holder: a private evaluation is seen by its owner and admins only. */
  token?: string,
): Promise<{ final: any; seen: string[] }> {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const e = await getJson(stack, `/api/evaluations/${id}`, token);
    if (seen.at(-1) !== e.status) seen.push(e.status);
    if (!['queued', 'running'].includes(e.status)) return { final: e, seen };
    if (Date.now() > deadline) throw new Error(`evaluation ${id} still ${e.status} after ${timeoutMs} ms (seen: ${seen.join(' → ')})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
