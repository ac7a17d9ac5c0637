import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import type { Viewer } from '../../api/src/auth/visibility.js';
import type { PrismaService } from '../../api/src/database/prisma.service.js';
import { serialTransactions } from '../../api/src/database/serial-transactions.js';
import { EvaluationsRepository } from '../../api/src/evaluations/evaluations.repository.js';
import { ModelsRepository } from '../../api/src/models/models.repository.js';
import { PrismaClient } from '../../api/src/generated/prisma/client.js';

type Adapter = Awaited<ReturnType<PrismaPg['connect']>>;
type Query = Parameters<Adapter['queryRaw']>[0];

/**
 * A Prisma adapter that, once armed, runs `between` right after the first statement that reads the
 * evaluations table, before Prisma's next statement (the metrics of those rows): a write committed at the
 * worst moment for a reader, every time rather than by chance.
 */
function interleaving(factory: PrismaPg) {
  let between: (() => Promise<void>) | undefined;
  const hook =
    <T>(run: (q: Query) => Promise<T>) =>
    async (q: Query): Promise<T> => {
      const result = await run(q);
      if (between && /FROM "public"\."evaluations"/.test(q.sql)) {
        const fn = between;
        between = undefined;
        await fn();
      }
      return result;
    };
  const adapter = new Proxy(factory, {
    get(target, prop, receiver) {
      if (prop !== 'connect') return Reflect.get(target, prop, receiver) as unknown;
      return async (): Promise<Adapter> => {
        const a = await target.connect();
        return new Proxy(a, {
          get(ta, p, r) {
            if (p === 'queryRaw') return hook(ta.queryRaw.bind(ta));
            if (p !== 'startTransaction') return Reflect.get(ta, p, r) as unknown;
            return async (...args: Parameters<Adapter['startTransaction']>) => {
              const tx = await ta.startTransaction(...args);
              return new Proxy(tx, {
                get: (tt, q, rr) => (q === 'queryRaw' ? hook(tt.queryRaw.bind(tt)) : (Reflect.get(tt, q, rr) as unknown)),
              });
            };
          },
        });
      };
    },
  });
  return { adapter, arm: (fn: () => Promise<void>) => (between = fn) };
}

describe('reading an evaluation while its result is stored (real PostgreSQL)', () => {
  let reader: PrismaClient;
  let writer: PrismaClient;
  let arm: (fn: () => Promise<void>) => void;
  let suiteVersionId: string;

  // Its own database: the interleaving below must meet no other file's rows or queries.
  let db: ScratchDatabase;

  beforeAll(async () => {
    db = await migratedScratchDatabase('read_snapshot');
    const url = db.url;
    const probe = interleaving(serialTransactions(new PrismaPg({ connectionString: url })));
    arm = probe.arm;
    reader = new PrismaClient({ adapter: probe.adapter });
    writer = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
    await writer.suite.create({ data: { id: 'snap-suite', task: 't', resolution: 8 } });
    const sv = await writer.suiteVersion.create({
      data: {
        suiteId: 'snap-suite',
        version: 1,
        task: 't',
        resolution: 8,
        kinds: ['generator'],
        primaryMetric: 'fid',
        higherIsBetter: false,
        definition: {},
      },
    });
    suiteVersionId = sv.id;
  });

  afterAll(async () => {
    await reader?.$disconnect();
    await writer?.$disconnect();
    await db?.drop();
  });

  /** A running evaluation, and the commit that stores its result as complete() does: metrics and status together. */
  async function running(name: string) {
    const model = await writer.model.create({ data: { name, owner: 'o', kind: 'generator' } });
    const mv = await writer.modelVersion.create({
      data: { modelId: model.id, version: 1, artifactSha256: name.padEnd(64, '0'), artifactSize: 1n, manifest: {} },
    });
    const e = await writer.evaluation.create({ data: { modelVersionId: mv.id, suiteVersionId, trigger: 'submit', status: 'running' } });
    const succeed = async () => {
      await writer.$transaction([
        writer.metricValue.create({ data: { evaluationId: e.id, metricId: 'fid', value: 1.5 } }),
        writer.evaluation.update({ where: { id: e.id }, data: { status: 'succeeded', progress: 1, finishedAt: new Date() } }),
      ]);
    };
    return { modelId: model.id, id: e.id, succeed };
  }

  const ALL: Viewer = { all: true };
  const consistent = (e: { status: string; metrics: unknown[] }) => `${e.status} with ${e.metrics.length} metrics`;

  it('one evaluation (GET /api/evaluations/:id): never its metrics beside status running', async () => {
    const repo = new EvaluationsRepository(reader as unknown as PrismaService);
    const e = await running('snap-one');
    arm(e.succeed);
    const read = await repo.findById(e.id);
    expect(consistent(read!)).toBe('running with 0 metrics');
    // The commit did land: the next read sees the whole result.
    expect(consistent((await repo.findById(e.id))!)).toBe('succeeded with 1 metrics');
  });

  it('a list of evaluations (GET /api/evaluations?ids=…, the submit page): never metrics beside status running', async () => {
    const repo = new EvaluationsRepository(reader as unknown as PrismaService);
    const e = await running('snap-list');
    arm(e.succeed);
    const [items] = await repo.list({ ids: [e.id], take: 10, skip: 0, viewer: ALL });
    expect(items.map(consistent)).toEqual(['running with 0 metrics']);
  });

  it('a model page: never an evaluation’s metrics beside status running', async () => {
    const repo = new ModelsRepository(reader as unknown as PrismaService);
    const e = await running('snap-model');
    arm(e.succeed);
    const model = await repo.findById(e.modelId, ALL);
    expect(model!.versions[0]!.evaluations.map(consistent)).toEqual(['running with 0 metrics']);
  });
});
