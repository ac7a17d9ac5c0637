import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { EvaluationStatus, EvaluationTrigger, Prisma } from '../generated/prisma/client.js';

const withContext = {
  metrics: true,
  suiteVersion: true,
  modelVersion: { include: { model: true } },
} satisfies Prisma.EvaluationInclude;

export type EvaluationWithContext = Prisma.EvaluationGetPayload<{ include: typeof withContext }>;

@Injectable()
export class EvaluationsRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  findById(id: string): Promise<EvaluationWithContext | null> {
    return this.prisma.evaluation.findUnique({ where: { id }, include: withContext });
  }

  list(filter: { status?: EvaluationStatus; modelId?: string; suiteId?: string; take: number; skip: number }) {
    const where: Prisma.EvaluationWhereInput = {
      status: filter.status,
      modelVersion: filter.modelId ? { modelId: filter.modelId } : undefined,
      suiteVersion: filter.suiteId ? { suiteId: filter.suiteId } : undefined,
    };
    return this.prisma.$transaction([
      this.prisma.evaluation.findMany({ where, include: withContext, orderBy: { queuedAt: 'desc' }, take: filter.take, skip: filter.skip }),
      this.prisma.evaluation.count({ where }),
    ]);
  }

  createMany(rows: Array<{ modelVersionId: string; suiteVersionId: string; trigger: EvaluationTrigger }>, tx?: Prisma.TransactionClient) {
    const db = tx ?? this.prisma;
    return Promise.all(rows.map((data) => db.evaluation.create({ data })));
  }

  /**
   * Marks a queued (or re-delivered running) evaluation as running for this attempt. Returns null when the
   * evaluation is already finished or cancelled, so a duplicate job does no work.
   */
  async claim(id: string, runnerId: string): Promise<EvaluationWithContext | null> {
    const updated = await this.prisma.evaluation.updateMany({
      where: { id, status: { in: ['queued', 'running'] } },
      data: { status: 'running', runnerId, startedAt: new Date(), progress: 0, attempts: { increment: 1 } },
    });
    if (updated.count === 0) return null;
    return this.findById(id);
  }

  async setProgress(id: string, progress: number): Promise<boolean> {
    const r = await this.prisma.evaluation.updateMany({ where: { id, status: 'running' }, data: { progress } });
    return r.count > 0;
  }

  /**
   * Stores metrics and marks success in one transaction, only if the evaluation is still running: a
   * retried or duplicated result finds it succeeded and changes nothing (idempotent).
   */
  async complete(
    id: string,
    metrics: Array<{ id: string; value: number; intervalLow?: number; intervalHigh?: number }>,
    provenance: Prisma.InputJsonValue,
  ): Promise<'stored' | 'already-succeeded' | 'not-running'> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<Array<{ status: EvaluationStatus }>>`SELECT status FROM evaluations WHERE id = ${id}::uuid FOR UPDATE`;
      const status = rows[0]?.status;
      if (status === 'succeeded') return 'already-succeeded';
      if (status !== 'running') return 'not-running';
      await tx.metricValue.createMany({
        data: metrics.map((m) => ({ evaluationId: id, metricId: m.id, value: m.value, intervalLow: m.intervalLow, intervalHigh: m.intervalHigh })),
        skipDuplicates: true,
      });
      await tx.evaluation.update({
        where: { id },
        data: { status: 'succeeded', progress: 1, finishedAt: new Date(), provenance, failureReason: null },
      });
      return 'stored';
    });
  }

  async fail(id: string, reason: string, provenance?: Prisma.InputJsonValue): Promise<boolean> {
    const r = await this.prisma.evaluation.updateMany({
      where: { id, status: { in: ['queued', 'running'] } },
      data: { status: 'failed', failureReason: reason, finishedAt: new Date(), ...(provenance ? { provenance } : {}) },
    });
    return r.count > 0;
  }
}
