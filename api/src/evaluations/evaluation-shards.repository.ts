import { Inject, Injectable } from '@nestjs/common';
import { planShards } from '../../../runner/src/api-entry.js';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma, type EvaluationShard, type FailureKind } from '../generated/prisma/client.js';
import { parseStoredDefinition } from '../suites/stored-definition.js';
import type { Claim } from './evaluations.repository.js';

/** A shard of a sharded evaluation, as the queue needs it. */
export type ShardRow = EvaluationShard;

/**
 * The shard rows of sharded evaluations (issue #18): each shard has its own claim (runner, attempt,
 * heartbeat), progress and attempts; the evaluation's progress is the sum over its shards weighted by their
 * samples. Every claim-bound write names the shard's claim and requires the evaluation to be running, so a
 * cancelled or failed evaluation stops its shards at their next post.
 */
@Injectable()
export class EvaluationShardsRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /**
   * The evaluation's shards, planning them first when it has none and should be sharded: its suite allows
   * sharding, `wanted` > 1, the model is sampled by the harness (an uploaded sample batch is scored whole),
   * and the suite has more than one batch. Returns null for an evaluation that runs unsharded. Existing rows
   * win over the configuration, so a retry or a reconciliation keeps the plan its finished shards belong to.
   */
  async ensurePlanned(evaluationId: string, wanted: number): Promise<ShardRow[] | null> {
    const existing = await this.list(evaluationId);
    if (existing.length > 0) return existing;
    if (wanted <= 1) return null;
    const e = await this.prisma.evaluation.findUnique({
      where: { id: evaluationId },
      include: { suiteVersion: true, modelVersion: { include: { model: true } } },
    });
    if (!e || e.modelVersion.model.kind === 'samples') return null;
    let def;
    try {
      def = parseStoredDefinition(e.suiteVersion);
    } catch {
      return null; // the claim fails it as the suite's fault, with the reason
    }
    if (!('sharding' in def) || !def.sharding) return null;
    const plan = planShards(def.samples, def.batch_size, Math.min(wanted, def.sharding.max_shards));
    if (plan.length <= 1) return null;
    await this.prisma.evaluationShard.createMany({
      data: plan.map((r) => ({ evaluationId, index: r.index, of: r.of, start: r.start, end: r.end })),
      skipDuplicates: true,
    });
    return this.list(evaluationId);
  }

  /** When the evaluation was last queued (a retry queues it again): part of its flow's job ids. */
  async queuedAt(evaluationId: string): Promise<Date | undefined> {
    return (await this.prisma.evaluation.findUnique({ where: { id: evaluationId }, select: { queuedAt: true } }))?.queuedAt;
  }

  list(evaluationId: string): Promise<ShardRow[]> {
    return this.prisma.evaluationShard.findMany({ where: { evaluationId }, orderBy: { index: 'asc' } });
  }

  find(evaluationId: string, index: number): Promise<ShardRow | null> {
    return this.prisma.evaluationShard.findUnique({ where: { evaluationId_index: { evaluationId, index } } });
  }

  /**
   * Claims a queued shard, or a running one whose claim lapsed (its runner died: only this shard is lost),
   * of a queued or running evaluation, as a new attempt of the shard; the evaluation becomes running (with no
   * runner of its own: its claim is the merge's). Null when there is nothing to run or another claim is alive.
   */
  async claim(evaluationId: string, index: number, runnerId: string, leaseMs: number): Promise<ShardRow | null> {
    const now = new Date();
    const updated = await this.prisma.evaluationShard.updateMany({
      where: {
        evaluationId,
        index,
        evaluation: { status: { in: ['queued', 'running'] } },
        OR: [
          { status: 'queued' },
          { status: 'running', OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: new Date(now.getTime() - leaseMs) } }] },
        ],
      },
      data: { status: 'running', runnerId, heartbeatAt: now, progress: 0, attempts: { increment: 1 } },
    });
    if (updated.count === 0) return null;
    await this.prisma.evaluation.updateMany({
      where: { id: evaluationId, status: 'queued' },
      data: { status: 'running', startedAt: now, runnerId: null, heartbeatAt: null, progress: 0, stageProgress: Prisma.DbNull },
    });
    return this.find(evaluationId, index);
  }

  private held(evaluationId: string, index: number, claim: Claim): Prisma.EvaluationShardWhereInput {
    return {
      evaluationId,
      index,
      status: 'running',
      runnerId: claim.runnerId,
      attempts: claim.attempt,
      evaluation: { status: 'running' },
    };
  }

  async heartbeat(evaluationId: string, index: number, claim: Claim): Promise<boolean> {
    const r = await this.prisma.evaluationShard.updateMany({
      where: this.held(evaluationId, index, claim),
      data: { heartbeatAt: new Date() },
    });
    return r.count > 0;
  }

  /** Gives up a shard's live claim whose attempt failed and will be retried (EvaluationsRepository.release). */
  async release(evaluationId: string, index: number, claim: Claim): Promise<boolean> {
    const r = await this.prisma.evaluationShard.updateMany({
      where: this.held(evaluationId, index, claim),
      data: { runnerId: null, heartbeatAt: null },
    });
    return r.count > 0;
  }

  /** Renews the shard's claim, raises its progress, and sets the evaluation's to the sum over its shards. */
  async setProgress(evaluationId: string, index: number, claim: Claim, progress: number, stage?: Prisma.InputJsonValue): Promise<boolean> {
    const renewed = await this.prisma.evaluationShard.updateMany({
      where: this.held(evaluationId, index, claim),
      data: { heartbeatAt: new Date() },
    });
    if (renewed.count === 0) return false;
    await this.prisma.evaluationShard.updateMany({
      where: { ...this.held(evaluationId, index, claim), progress: { lt: progress } },
      data: { progress },
    });
    await this.sumProgress(evaluationId, stage);
    return true;
  }

  private async sumProgress(evaluationId: string, stage?: Prisma.InputJsonValue): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE evaluations SET progress = (
        SELECT sum(s.progress * (s."end" - s.start)) / sum(s."end" - s.start) FROM evaluation_shards s WHERE s.evaluation_id = ${evaluationId}::uuid
      ) WHERE id = ${evaluationId}::uuid AND status = 'running' AND runner_id IS NULL`;
    if (stage !== undefined)
      await this.prisma.evaluation.updateMany({
        where: { id: evaluationId, status: 'running', runnerId: null },
        data: { stageProgress: stage },
      });
  }

  /**
   * Stores a shard's partial result under its claim. A shard that already succeeded is left as it is (a
   * duplicated post), so each shard contributes exactly one partial result to the merge.
   */
  async complete(
    evaluationId: string,
    index: number,
    claim: Claim,
    partialSha256: string,
    facts: Prisma.InputJsonValue,
  ): Promise<'stored' | 'already-succeeded' | 'not-held'> {
    const r = await this.prisma.evaluationShard.updateMany({
      where: this.held(evaluationId, index, claim),
      data: { status: 'succeeded', progress: 1, partialSha256, facts, failureReason: null },
    });
    if (r.count > 0) {
      await this.sumProgress(evaluationId);
      return 'stored';
    }
    const s = await this.find(evaluationId, index);
    return s?.status === 'succeeded' ? 'already-succeeded' : 'not-held';
  }

  /**
   * Fails a shard under its claim and, in the same transaction, its evaluation with the shard's kind and
   * reason: a shard that cannot be scored (a broken model, a suite fault, attempts run out) fails the whole.
   */
  async fail(evaluationId: string, index: number, claim: Claim, kind: FailureKind, reason: string, provenance?: Prisma.InputJsonValue) {
    return this.prisma.$transaction(async (tx) => {
      const r = await tx.evaluationShard.updateMany({
        where: this.held(evaluationId, index, claim),
        data: { status: 'failed', failureReason: reason },
      });
      if (r.count === 0) return false;
      await tx.evaluation.updateMany({
        where: { id: evaluationId, status: { in: ['queued', 'running'] } },
        data: { status: 'failed', failureKind: kind, failureReason: reason, finishedAt: new Date(), ...(provenance ? { provenance } : {}) },
      });
      await tx.evaluationShard.updateMany({
        where: { evaluationId, status: { in: ['queued', 'running'] } },
        data: { status: 'cancelled' },
      });
      return true;
    });
  }

  /** Ends the unfinished shards of a cancelled evaluation. */
  async cancel(evaluationId: string): Promise<void> {
    await this.prisma.evaluationShard.updateMany({
      where: { evaluationId, status: { in: ['queued', 'running'] } },
      data: { status: 'cancelled' },
    });
  }

  /** Puts the failed and cancelled shards of a retried evaluation back as queued; succeeded shards stay. */
  async requeueUnfinished(evaluationId: string): Promise<void> {
    await this.prisma.evaluationShard.updateMany({
      where: { evaluationId, status: { in: ['failed', 'cancelled', 'running'] } },
      data: { status: 'queued', attempts: 0, progress: 0, runnerId: null, heartbeatAt: null, failureReason: null },
    });
  }
}
