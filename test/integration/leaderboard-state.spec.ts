import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';

/**
 * The triggers of migration 20261204000100_leaderboard_version, in a database of its own (no other test
 * file writes there, so every change of the version is this file's): which writes move
 * leaderboard_state.version, and when (at commit, so a reader never sees the new version before the data).
 */
describe('leaderboard_state.version', () => {
  let scratch: ScratchDatabase;
  let db: pg.Client;
  let other: pg.Client;
  const version = async (c = db) => BigInt((await c.query<{ v: string }>('SELECT version::text AS v FROM leaderboard_state')).rows[0]!.v);
  /** How much `write` moved the version. */
  const moved = async (write: () => Promise<unknown>) => {
    const before = await version();
    await write();
    return Number((await version()) - before);
  };
  let ids: { version: string; suiteVersion: string; evaluation: string };

  beforeAll(async () => {
    scratch = await migratedScratchDatabase('lbstate');
    db = new pg.Client({ connectionString: scratch.url });
    other = new pg.Client({ connectionString: scratch.url });
    await db.connect();
    await other.connect();
    const q = async (sql: string, params: unknown[] = []) => (await db.query<{ id: string }>(sql, params)).rows[0]!.id;
    await db.query(`INSERT INTO suites (id, task, resolution) VALUES ('s', 'unconditional-generation', 32)`);
    const suiteVersion =
      await q(`INSERT INTO suite_versions (id, suite_id, version, task, resolution, kinds, primary_metric, higher_is_better, definition)
      VALUES (gen_random_uuid(), 's', 1, 'unconditional-generation', 32, '{generator}', 'fid', false, '{}') RETURNING id`);
    const model = await q(`INSERT INTO models (id, name, owner, kind) VALUES (gen_random_uuid(), 'm', 'o', 'generator') RETURNING id`);
    const mv = await q(
      `INSERT INTO model_versions (id, model_id, version, artifact_sha256, artifact_size, manifest) VALUES (gen_random_uuid(), $1, 1, repeat('a', 64), 1, '{}') RETURNING id`,
      [model],
    );
    const evaluation = await q(
      `INSERT INTO evaluations (id, model_version_id, suite_version_id, trigger) VALUES (gen_random_uuid(), $1, $2, 'submit') RETURNING id`,
      [mv, suiteVersion],
    );
    ids = { version: mv, suiteVersion, evaluation };
  });

  afterAll(async () => {
    await db?.end();
    await other?.end();
    await scratch?.drop();
  });

  it('stays put while an evaluation is queued or running, however often its progress changes', async () => {
    expect(
      await moved(async () => {
        await db.query(`UPDATE evaluations SET status = 'running', progress = 0.1 WHERE id = $1`, [ids.evaluation]);
        for (const p of [0.2, 0.5, 0.9])
          await db.query(`UPDATE evaluations SET progress = $2, heartbeat_at = now() WHERE id = $1`, [ids.evaluation, p]);
      }),
    ).toBe(0);
  });

  it('moves when a result is stored, at commit and not before', async () => {
    const before = await version();
    await db.query('BEGIN');
    await db.query(`UPDATE evaluations SET status = 'succeeded', progress = 1, finished_at = now() WHERE id = $1`, [ids.evaluation]);
    await db.query(`INSERT INTO metric_values (id, evaluation_id, metric_id, value) VALUES (gen_random_uuid(), $1, 'fid', 12.5)`, [
      ids.evaluation,
    ]);
    expect(await version(other)).toBe(before);
    await db.query('COMMIT');
    expect(await version(other)).toBeGreaterThan(before);
  });

  it('moves for a corrected metric, a visibility change, a drift flag, a suite version, a cancelled evaluation and a withdrawn version', async () => {
    expect(await moved(() => db.query(`UPDATE metric_values SET value = 11 WHERE evaluation_id = $1`, [ids.evaluation]))).toBeGreaterThan(
      0,
    );
    expect(await moved(() => db.query(`UPDATE model_versions SET visibility = 'private' WHERE id = $1`, [ids.version]))).toBeGreaterThan(0);
    expect(await moved(() => db.query(`UPDATE evaluations SET drift_flagged = true WHERE id = $1`, [ids.evaluation]))).toBeGreaterThan(0);
    expect(
      await moved(() => db.query(`UPDATE suite_versions SET primary_metric = 'fid' WHERE id = $1`, [ids.suiteVersion])),
    ).toBeGreaterThan(0);
    expect(await moved(() => db.query(`UPDATE evaluations SET status = 'cancelled' WHERE id = $1`, [ids.evaluation]))).toBeGreaterThan(0);
    expect(await moved(() => db.query(`DELETE FROM model_versions WHERE id = $1`, [ids.version]))).toBeGreaterThan(0);
  });

  it('does not move for a rolled-back write', async () => {
    expect(
      await moved(async () => {
        await db.query('BEGIN');
        await db.query(`UPDATE models SET name = 'renamed'`);
        await db.query('ROLLBACK');
      }),
    ).toBe(0);
  });
});
