import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../../api/src/database/prisma.service.js';
import { SuitesService, SuiteVersionConflictError } from '../../api/src/suites/suites.service.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { getJson, submitModel, type TestStack, startStack } from '../support/stack.js';
import { versionsManifest, versionsSuite } from '../support/versions-suite.js';

const SUITE = versionsSuite(40);

/**
 * A suite version's stored definition (column `definition`) is what benchmarks/ declared, checked against
 * the code at start-up, and read through the zod suite schemas: a stored definition that no longer
 * validates is reported by suite version wherever it is read, and does not take the endpoints down.
 */
describe('stored suite definitions', () => {
  let stack: TestStack;
  let prisma: PrismaService;
  let queued: string;

  beforeAll(async () => {
    stack = await startStack({ runners: 0 });
    prisma = stack.app.get(PrismaService);
    await stack.app.get(SuitesService).sync([SUITE]);
    const r = await submitModel(
      stack,
      stack.submitterToken,
      buildTinyGenerator({ noiseDim: 16, resolution: 40, classes: 0, seed: 4000 }),
      versionsManifest('defs-1', 40),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    queued = r.body.evaluations[0].id;
  });

  afterAll(async () => {
    // Other files may list every suite: leave this one's definition as it was declared.
    await prisma?.suiteVersion.update({
      where: { suiteId_version: { suiteId: SUITE.id, version: 1 } },
      data: { definition: JSON.parse(JSON.stringify(SUITE)) },
    });
    await stack?.close();
  });

  it('stores the whole definition, syncs idempotently, and refuses a changed definition under the same version', async () => {
    const row = await prisma.suiteVersion.findUniqueOrThrow({ where: { suiteId_version: { suiteId: SUITE.id, version: 1 } } });
    expect(row.definition).toEqual(JSON.parse(JSON.stringify(SUITE)));
    await stack.app.get(SuitesService).sync([SUITE]);
    await expect(stack.app.get(SuitesService).sync([{ ...SUITE, samples: SUITE.samples + 1 }])).rejects.toThrow(SuiteVersionConflictError);
    const suite = await getJson(stack, `/api/suites/${SUITE.id}`);
    expect(suite.versions).toEqual([expect.objectContaining({ version: 1, definition: JSON.parse(JSON.stringify(SUITE)) })]);
  });

  it('takes `sharding` declared, changed or dropped under the same version in place (it does not change scores), and still refuses any other change', async () => {
    const stored = async () =>
      (await prisma.suiteVersion.findUniqueOrThrow({ where: { suiteId_version: { suiteId: SUITE.id, version: 1 } } })).definition;
    const sharded = { ...SUITE, sharding: { max_shards: 4 } };
    await stack.app.get(SuitesService).sync([sharded]);
    expect(await stored()).toEqual(JSON.parse(JSON.stringify(sharded)));
    await stack.app.get(SuitesService).sync([{ ...SUITE, sharding: { max_shards: 2 } }]);
    expect(await stored()).toMatchObject({ sharding: { max_shards: 2 } });
    await expect(stack.app.get(SuitesService).sync([{ ...sharded, samples: SUITE.samples + 1 }])).rejects.toThrow(
      SuiteVersionConflictError,
    );
    await stack.app.get(SuitesService).sync([SUITE]);
    expect(await stored()).toEqual(JSON.parse(JSON.stringify(SUITE)));
    expect((await getJson(stack, `/api/suites/${SUITE.id}`)).versions).toHaveLength(1);
  });

  describe('a stored definition that no longer validates', () => {
    const why = new RegExp(`^suite ${SUITE.id} v1: its stored definition does not validate against today's suite schema \\(extractor: `);

    beforeAll(async () => {
      await prisma.$executeRaw`UPDATE suite_versions SET definition = definition - 'extractor' WHERE suite_id = ${SUITE.id} AND version = 1`;
    });

    it('makes the suite unavailable, saying which suite version and field, to everyone and to admins', async () => {
      for (const token of [undefined, stack.adminToken]) {
        const suite = await getJson(stack, `/api/suites/${SUITE.id}`, token);
        expect(suite).toMatchObject({ id: SUITE.id, available: false });
        expect(suite.unavailableReason).toMatch(why);
      }
    });

    it('still shows its board, without the details read from the definition', async () => {
      const body = await getJson(stack, `/api/leaderboards?suite=${SUITE.id}`);
      expect(body.boards).toEqual([
        expect.objectContaining({ suite: expect.objectContaining({ id: SUITE.id, version: 1, protocol: null }) }),
      ]);
    });

    it('queues no new submission on it, and says why', async () => {
      const r = await submitModel(
        stack,
        stack.submitterToken,
        buildTinyGenerator({ noiseDim: 16, resolution: 40, classes: 0, seed: 4001 }),
        versionsManifest('defs-2', 40),
      );
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.evaluations).toEqual([]);
      expect(r.body.warnings.join('\n')).toMatch(
        new RegExp(
          `not queued on ${SUITE.id} v1, which is unavailable on this server: suite ${SUITE.id} v1: its stored definition does not validate`,
        ),
      );
    });

    it('fails an evaluation queued on it when a runner claims it, with the reason, instead of handing the runner a broken suite', async () => {
      const res = await fetch(`${stack.baseUrl}/api/runner/evaluations/${queued}/claim`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.runnerToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ runnerId: 'manual' }),
      });
      const body = (await res.json()) as { message: string; reason: string };
      expect(res.status, JSON.stringify(body)).toBe(409);
      expect(body.reason).toBe('failed');
      expect(body.message).toMatch(new RegExp(`^evaluation ${queued} cannot run: suite ${SUITE.id} v1: its stored definition`));
      const e = await getJson(stack, `/api/evaluations/${queued}`);
      expect(e).toMatchObject({ status: 'failed', failureKind: 'suite' });
      expect(e.failureReason).toMatch(why);
    });
  });
});
