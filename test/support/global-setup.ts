import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate, recreateDatabase } from '../../api/src/database/migrator.js';

/**
 * Integration and e2e tests run against the real PostgreSQL and Redis on localhost (README, "Tests").
 * Each run gets its own empty database, `genbench_test_<pid>` on the server of TEST_DATABASE_URL (default
 * postgresql://postgres@127.0.0.1:5432/genbench_test), migrated here and dropped at the end, so runs never
 * see each other's rows and nothing a crashed run left behind is reconciled into this one. Each test file
 * further isolates itself with its own queue prefix, data directory and owner names.
 */
const BASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/genbench_test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function runDatabaseUrl(): string {
  const u = new URL(BASE_URL);
  const base = u.pathname.slice(1);
  if (!/test/.test(base))
    throw new Error(
      `TEST_DATABASE_URL must name a database containing "test": the tests create and drop databases named after it (${BASE_URL})`,
    );
  u.pathname = `/${base}_${process.pid}`;
  return u.toString();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Drops databases of earlier runs whose process is gone (a crashed or killed run never tore down). */
async function dropOrphans(): Promise<void> {
  const admin = new URL(BASE_URL);
  const base = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    const rows = await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${base}\\_%`]);
    for (const { datname } of rows.rows) {
      const pid = Number(datname.slice(base.length + 1));
      if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await c.end();
  }
}

async function dropDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  u.pathname = '/postgres';
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = runDatabaseUrl();
  try {
    await dropOrphans();
    await recreateDatabase(url);
    await migrate(url);
  } catch (err) {
    throw new Error(
      `integration tests need PostgreSQL at ${BASE_URL} (set TEST_DATABASE_URL); .ci/run starts it: ${(err as Error).message}`,
      { cause: err },
    );
  }
  project.provide('databaseUrl', url);
  project.provide('redisUrl', TEST_REDIS_URL);
  return async () => {
    if (!process.env.GENBENCH_KEEP_TEST_DB) await dropDatabase(url).catch(() => undefined);
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
  }
}
