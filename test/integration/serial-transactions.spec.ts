import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient } from '../../api/src/generated/prisma/client.js';
import { migratedScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { serialTransactions } from '../../api/src/database/serial-transactions.js';

/** Deprecation warnings pg prints while `fn` runs (each `util.deprecate` warning is printed once per process). */
async function pgWarnings(fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const onWarning = (w: Error) => {
    if (w.name === 'DeprecationWarning') seen.push(w.message);
  };
  process.on('warning', onWarning);
  try {
    await fn();
    await new Promise((r) => setTimeout(r, 50)); // warnings are emitted on the next tick
  } finally {
    process.off('warning', onWarning);
  }
  return seen.filter((m) => m.includes('already executing a query'));
}

/** A read inside an interactive transaction that loads three relations, as Prisma plans it: concurrently. */
const threeRelations = (p: PrismaClient) =>
  p.$transaction((tx) =>
    tx.evaluation.findMany({ include: { metrics: true, suiteVersion: true, modelVersion: { include: { model: true } } } }),
  );

describe('serialTransactions (real PostgreSQL)', () => {
  let serial: PrismaClient;
  let plain: PrismaClient;

  // Its own database: the row counts below must not see other files' rows.
  let db: ScratchDatabase;

  beforeAll(async () => {
    db = await migratedScratchDatabase('serial_tx');
    const url = db.url;
    serial = new PrismaClient({ adapter: serialTransactions(new PrismaPg({ connectionString: url })) });
    plain = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
    const suite = await serial.suite.create({ data: { id: 'tx-suite', task: 't', resolution: 8 } });
    const sv = await serial.suiteVersion.create({
      data: {
        suiteId: suite.id,
        version: 1,
        task: 't',
        resolution: 8,
        kinds: ['generator'],
        primaryMetric: 'fid',
        higherIsBetter: false,
        definition: {},
      },
    });
    for (let m = 0; m < 3; m++) {
      const model = await serial.model.create({ data: { name: `m${m}`, owner: 'o', kind: 'generator' } });
      const mv = await serial.modelVersion.create({
        data: { modelId: model.id, version: 1, artifactSha256: `${m}`.repeat(64), artifactSize: 1n, manifest: {} },
      });
      await serial.evaluation.create({
        data: { modelVersionId: mv.id, suiteVersionId: sv.id, trigger: 'submit', metrics: { create: [{ metricId: 'fid', value: m }] } },
      });
    }
  });

  afterAll(async () => {
    await serial?.$disconnect();
    await plain?.$disconnect();
    await db?.drop();
  });

  it('a multi-relation include inside a transaction never queues a second query on the pg client', async () => {
    let rows: unknown[] = [];
    expect(await pgWarnings(async () => (rows = await threeRelations(serial)))).toEqual([]);
    expect(rows).toHaveLength(3);
    // Control: the same read through the bare adapter does queue queries on the client (pg's deprecation).
    expect(await pgWarnings(() => threeRelations(plain))).toHaveLength(1);
  });

  it('a failing statement still rolls the transaction back, and the next transaction runs', async () => {
    await expect(
      serial.$transaction(async (tx) => {
        await tx.model.create({ data: { name: 'rolled-back', owner: 'o', kind: 'generator' } });
        await tx.$executeRawUnsafe('SELECT * FROM no_such_table');
      }),
    ).rejects.toThrow();
    expect(await serial.model.count({ where: { name: 'rolled-back' } })).toBe(0);
    expect(await serial.$transaction((tx) => tx.model.count())).toBe(3);
  });
});
