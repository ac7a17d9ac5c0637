import type { TestProject } from 'vitest/node';
import { migrate, recreateDatabase } from '../../api/src/database/migrator.js';

/**
 * Integration and e2e tests run against the real PostgreSQL and Redis on localhost (README, "Tests").
 * The test database is re-created empty and migrated here, once per run (so nothing a crashed earlier run
 * left behind is reconciled into this one); each test file isolates itself with its own queue prefix, data
 * directory and owner names.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/genbench_test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export default async function setup(project: TestProject): Promise<void> {
  if (!/test/.test(new URL(TEST_DATABASE_URL).pathname)) {
    throw new Error(`TEST_DATABASE_URL must name a database whose name contains "test": the tests drop and re-create it (${TEST_DATABASE_URL})`);
  }
  try {
    await recreateDatabase(TEST_DATABASE_URL);
    await migrate(TEST_DATABASE_URL);
  } catch (err) {
    throw new Error(
      `integration tests need PostgreSQL at ${TEST_DATABASE_URL} (set TEST_DATABASE_URL); .ci/run starts it: ${(err as Error).message}`,
      { cause: err },
    );
  }
  project.provide('databaseUrl', TEST_DATABASE_URL);
  project.provide('redisUrl', TEST_REDIS_URL);
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
  }
}
