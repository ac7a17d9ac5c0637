import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';
import type { CreateScheduleBody, UpdateScheduleBody } from './schedules.schemas.js';

@Injectable()
export class SchedulesRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  create(data: CreateScheduleBody) {
    return this.prisma.schedule.create({ data });
  }

  update(id: string, data: UpdateScheduleBody) {
    return this.prisma.schedule.update({ where: { id }, data });
  }

  delete(id: string) {
    return this.prisma.schedule.delete({ where: { id } });
  }

  list() {
    return this.prisma.schedule.findMany({ orderBy: { createdAt: 'asc' }, include: { firings: { orderBy: { slot: 'desc' }, take: 5 } } });
  }

  async targetExists(body: { suiteId?: string; modelId?: string }): Promise<{ suite: boolean; model: boolean }> {
    const [suite, model] = await Promise.all([
      body.suiteId ? this.prisma.suite.findUnique({ where: { id: body.suiteId }, select: { id: true } }) : Promise.resolve({ id: '' }),
      body.modelId ? this.prisma.model.findUnique({ where: { id: body.modelId }, select: { id: true } }) : Promise.resolve({ id: '' }),
    ]);
    return { suite: suite !== null, model: model !== null };
  }

  find(id: string) {
    return this.prisma.schedule.findUnique({ where: { id } });
  }

  /**
   * Records a firing and creates its nightly evaluations in one transaction. The unique (schedule, slot)
   * makes a second delivery of the same firing — another API process, a retried job — create nothing.
   * Entries re-scored: the latest version of every model that has a successful evaluation, on the suite
   * versions it succeeded on, narrowed to the schedule's suite or model.
   */
  async fire(scheduleId: string, slot: Date): Promise<{ firingId: string; evaluationIds: string[] } | null> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const schedule = await tx.schedule.findUnique({ where: { id: scheduleId } });
        if (!schedule || !schedule.enabled) return null;
        const firing = await tx.scheduleFiring.create({ data: { scheduleId, slot } });
        const pairs = await tx.$queryRaw<Array<{ model_version_id: string; suite_version_id: string }>>`
          SELECT DISTINCT e.model_version_id, e.suite_version_id
          FROM evaluations e
          JOIN model_versions mv ON mv.id = e.model_version_id
          JOIN suite_versions sv ON sv.id = e.suite_version_id
          WHERE e.status = 'succeeded'
            AND mv.version = (SELECT max(v2.version) FROM model_versions v2 WHERE v2.model_id = mv.model_id)
            AND (${schedule.suiteId}::text IS NULL OR sv.suite_id = ${schedule.suiteId})
            AND (${schedule.modelId}::uuid IS NULL OR mv.model_id = ${schedule.modelId}::uuid)`;
        const evaluationIds: string[] = [];
        for (const p of pairs) {
          const e = await tx.evaluation.create({
            data: { modelVersionId: p.model_version_id, suiteVersionId: p.suite_version_id, trigger: 'nightly', firingId: firing.id },
          });
          evaluationIds.push(e.id);
        }
        await tx.scheduleFiring.update({ where: { id: firing.id }, data: { evaluations: evaluationIds.length } });
        return { firingId: firing.id, evaluationIds };
      });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') return null;
      throw err;
    }
  }
}
