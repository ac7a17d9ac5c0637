import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { migrate, recreateDatabase } from '../../api/src/database/migrator.js';

/**
 * A database of one spec file's own, beside the suite's shared one, for a spec that must meet no other
 * file's rows or queries (row counts, interleavings, a whole `npm run demo`): named after the shared one,
 * `tag` and a random suffix, so a run killed before its clean-up never collides with the next.
 */
export interface ScratchDatabase {
  url: string;
  /** Drops it, closing the connections still open (`WITH (FORCE)`). */
  drop(): Promise<void>;
}

/** The URL of a fresh scratch database; nothing is created (a spec whose child process creates it, as the demo does). */
export function scratchDatabase(tag: string): ScratchDatabase {
  const u = new URL(inject('databaseUrl'));
  u.pathname = `${u.pathname}_${tag}_${randomBytes(4).toString('hex')}`;
  const url = u.toString();
  return { url, drop: () => dropDatabase(url) };
}

/** A scratch database, created empty and migrated to the current schema. */
export async function migratedScratchDatabase(tag: string): Promise<ScratchDatabase> {
  const db = scratchDatabase(tag);
  await recreateDatabase(db.url);
  await migrate(db.url);
  return db;
}

async function dropDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  const name = decodeURIComponent(admin.pathname.slice(1));
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await c.end();
  }
}
