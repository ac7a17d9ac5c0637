import { Inject, Injectable } from '@nestjs/common';
import { type Viewer, visibleVersions } from '../auth/visibility.js';
import { PrismaService } from '../database/prisma.service.js';
import { ONE_SNAPSHOT } from '../database/one-snapshot.js';
import { parseStoredDefinition } from '../suites/stored-definition.js';
import { type EvaluationStatus, type EvaluationTrigger, type FailureKind, Prisma } from '../generated/prisma/client.js';

const withContext = {
  metrics: true,
  suiteVersion: true,
  modelVersion: { include: { model: true } },
} satisfies Prisma.EvaluationInclude;

export type EvaluationWithContext = Prisma.EvaluationGetPayload<{ include: typeof withContext }>;

/** A runner's hold on an evaluation: the runner and the attempt number its claim was given. */
export interface Claim {
  runnerId: string;
  attempt: number;
}

@Injectable()
export class EvaluationsRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  findById(id: string): Promise<EvaluationWithContext | null> {
    return this.prisma.$transaction((tx) => tx.evaluation.findUnique({ where: { id }, include: withContext }), ONE_SNAPSHOT);
  }

  /** Evaluations of the model versions `viewer` sees, newest first. */
  list(filter: {
    status?: EvaluationStatus;
    modelId?: string;
    suiteId?: string;
    owner?: string;
    trigger?: EvaluationTrigger;
    ids?: string[];
    take: number;
    skip: number;
    viewer: Viewer;
  }) {
    const where: Prisma.EvaluationWhereInput = {
      status: filter.status,
      trigger: filter.trigger,
      id: filter.ids ? { in: filter.ids } : undefined,
      modelVersion: {
        AND: [
          visibleVersions(filter.viewer),
          filter.modelId ? { modelId: filter.modelId } : {},
          filter.owner ? { model: { owner: filter.owner } } : {},
        ],
      },
      suiteVersion: filter.suiteId ? { suiteId: filter.suiteId } : undefined,
    };
    return this.prisma.$transaction(
      [
        this.prisma.evaluation.findMany({
          where,
          include: withContext,
          orderBy: { queuedAt: 'desc' },
          take: filter.take,
          skip: filter.skip,
        }),
        this.prisma.evaluation.count({ where }),
      ],
      ONE_SNAPSHOT,
    );
  }

  /**
   * Marks a queued evaluation, or a running one whose claim has lapsed (no heartbeat for `leaseMs`: its
   * runner died or lost touch), as running for `runnerId` as a new attempt. Returns null when it is finished,
   * cancelled, or claimed by a runner that is still alive, so a duplicate or re-delivered job does no work.
   * One UPDATE: of two concurrent claims, the second re-reads the row the first wrote and matches nothing.
   */
  async claim(id: string, runnerId: string, leaseMs: number, opts: { keepProgress?: boolean } = {}): Promise<EvaluationWithContext | null> {
    const now = new Date();
    const updated = await this.prisma.evaluation.updateMany({
      where: {
        id,
        OR: [
          { status: 'queued' },
          { status: 'running', OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: new Date(now.getTime() - leaseMs) } }] },
        ],
      },
      data: {
        status: 'running',
        runnerId,
        startedAt: now,
        heartbeatAt: now,
        // A sharded evaluation's merge keeps the progress its shards reached.
        ...(opts.keepProgress ? {} : { progress: 0, stageProgress: Prisma.DbNull }),
        attempts: { increment: 1 },
      },
    });
    if (updated.count === 0) return null;
    return this.findById(id);
  }

  /** Renews a claim's lease; false when the claim is no longer the evaluation's (superseded, finished, cancelled). */
  async heartbeat(id: string, claim: Claim): Promise<boolean> {
    const r = await this.prisma.evaluation.updateMany({
      where: { id, status: 'running', runnerId: claim.runnerId, attempts: claim.attempt },
      data: { heartbeatAt: new Date() },
    });
    return r.count > 0;
  }

  /**
   * Gives up a live claim whose attempt failed and will be retried, so the retry (on any runner) claims at
   * once instead of waiting out the lease: the row keeps its status and attempts, loses its runner and lease.
   * The released claim's later posts (heartbeat, progress, result) are refused like a lapsed one's.
   */
  async release(id: string, claim: Claim): Promise<boolean> {
    const r = await this.prisma.evaluation.updateMany({
      where: { id, status: 'running', runnerId: claim.runnerId, attempts: claim.attempt },
      data: { runnerId: null, heartbeatAt: null },
    });
    return r.count > 0;
  }

  /**
   * Renews the claim and raises the progress; progress never goes backwards within an attempt. The stage
   * breakdown, when given, replaces the stored one in the same statement as the lease renewal.
   */
  async setProgress(id: string, claim: Claim, progress: number, stage?: Prisma.InputJsonValue): Promise<boolean> {
    const renewed = await this.prisma.evaluation.updateMany({
      where: { id, status: 'running', runnerId: claim.runnerId, attempts: claim.attempt },
      data: { heartbeatAt: new Date(), ...(stage === undefined ? {} : { stageProgress: stage }) },
    });
    if (renewed.count === 0) return false;
    await this.prisma.evaluation.updateMany({
      where: { id, status: 'running', runnerId: claim.runnerId, attempts: claim.attempt, progress: { lt: progress } },
      data: { progress },
    });
    return true;
  }

  /**
   * Stores metrics and marks success in one transaction, only if the evaluation is still running: a
   * retried or duplicated result finds it succeeded and changes nothing (idempotent). Also records the
   * drift of the primary metric against the previous successful evaluation of the same model version and
   * suite version, flagged when beyond the suite's tolerance.
   */
  async complete(
    id: string,
    claim: Claim,
    metrics: Array<{ id: string; value: number; intervalLow?: number; intervalHigh?: number }>,
    provenance: Prisma.InputJsonValue,
  ): Promise<'stored' | 'already-succeeded' | 'not-running' | 'superseded'> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<
        Array<{ status: EvaluationStatus; attempts: number; runner_id: string | null }>
      >`SELECT status, attempts, runner_id FROM evaluations WHERE id = ${id}::uuid FOR UPDATE`;
      const status = rows[0]?.status;
      if (status === 'succeeded') return 'already-succeeded';
      if (status !== 'running') return 'not-running';
      // Only the attempt that holds the claim may store its result: the row's runner is then the provenance's.
      if (rows[0]!.attempts !== claim.attempt || rows[0]!.runner_id !== claim.runnerId) return 'superseded';
      const current = await tx.evaluation.findUniqueOrThrow({ where: { id }, include: { suiteVersion: true } });
      await tx.metricValue.createMany({
        data: metrics.map((m) => ({
          evaluationId: id,
          metricId: m.id,
          value: m.value,
          intervalLow: m.intervalLow,
          intervalHigh: m.intervalHigh,
        })),
        skipDuplicates: true,
      });
      const previous = await tx.evaluation.findFirst({
        where: { modelVersionId: current.modelVersionId, suiteVersionId: current.suiteVersionId, status: 'succeeded', id: { not: id } },
        orderBy: { finishedAt: 'desc' },
        include: { metrics: true },
      });
      const primary = current.suiteVersion.primaryMetric;
      const before = previous?.metrics.find((m) => m.metricId === primary)?.value;
      const after = metrics.find((m) => m.id === primary)?.value;
      let drift: number | null = null;
      let driftFlagged = false;
      if (before !== undefined && after !== undefined) {
        drift = (after - before) / Math.max(Math.abs(before), Number.MIN_VALUE);
        const tolerance = parseStoredDefinition(current.suiteVersion).drift_tolerance;
        driftFlagged = Math.abs(drift) > tolerance;
      }
      await tx.evaluation.update({
        where: { id },
        data: {
          status: 'succeeded',
          progress: 1,
          finishedAt: new Date(),
          provenance,
          failureReason: null,
          failureKind: null,
          previousEvaluationId: previous?.id ?? null,
          drift,
          driftFlagged,
        },
      });
      return 'stored';
    });
  }

  /** Evaluations the database holds as queued or running: the reconciler checks each against Redis. */
  findActive(olderThan: Date) {
    return this.prisma.evaluation.findMany({
      where: { status: { in: ['queued', 'running'] }, queuedAt: { lt: olderThan } },
      select: { id: true, status: true, attempts: true, runnerId: true, heartbeatAt: true },
      orderBy: { queuedAt: 'asc' },
      take: 10_000,
    });
  }

  async cancel(id: string): Promise<boolean> {
    const r = await this.prisma.evaluation.updateMany({
      where: { id, status: { in: ['queued', 'running'] } },
      data: { status: 'cancelled', finishedAt: new Date(), failureReason: 'cancelled by an admin' },
    });
    return r.count > 0;
  }

  /** Puts a finished (failed or cancelled) evaluation back in the queue with fresh attempts. */
  async requeue(id: string): Promise<boolean> {
    const r = await this.prisma.evaluation.updateMany({
      where: { id, status: { in: ['failed', 'cancelled'] } },
      data: {
        status: 'queued',
        attempts: 0,
        progress: 0,
        stageProgress: Prisma.DbNull,
        failureReason: null,
        failureKind: null,
        startedAt: null,
        finishedAt: null,
        queuedAt: new Date(),
      },
    });
    return r.count > 0;
  }

  /** Evaluations a token queued in the last 24 hours that count against its quota (failed ones do not). */
  countForQuota(tokenId: string, since: Date): Promise<number> {
    return this.prisma.evaluation.count({ where: { tokenId, queuedAt: { gte: since }, status: { not: 'failed' } } });
  }

  /** Records the sample grid of a running or succeeded evaluation; false when it is neither. */
  async setSampleGrid(id: string, sha256: string): Promise<boolean> {
    const r = await this.prisma.evaluation.updateMany({
      where: { id, status: { in: ['running', 'succeeded'] } },
      data: { sampleGridSha256: sha256 },
    });
    return r.count > 0;
  }

  /** With `claim` (a runner's report), only while that claim is the evaluation's. */
  async fail(id: string, kind: FailureKind, reason: string, provenance?: Prisma.InputJsonValue, claim?: Claim): Promise<boolean> {
    const r = await this.prisma.evaluation.updateMany({
      where: claim
        ? { id, status: 'running', runnerId: claim.runnerId, attempts: claim.attempt }
        : { id, status: { in: ['queued', 'running'] } },
      data: { status: 'failed', failureKind: kind, failureReason: reason, finishedAt: new Date(), ...(provenance ? { provenance } : {}) },
    });
    return r.count > 0;
  }
}
