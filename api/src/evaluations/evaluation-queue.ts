import { InjectFlowProducer, InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { FlowProducer, JobsOptions, JobState, Queue } from 'bullmq';
import { EVALUATE_ATTEMPTS, EVALUATE_FLOW, EVALUATE_QUEUE, type EvaluateJob, shardJobId } from '../../../contracts/jobs/evaluate.job.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { EvaluationShardsRepository, type ShardRow } from './evaluation-shards.repository.js';

const JOB_OPTS = {
  attempts: EVALUATE_ATTEMPTS,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { count: 1000 },
  removeOnFail: { count: 5000 },
} satisfies JobsOptions;

/** An evaluation as enqueued: whole (job id = evaluation id), or as a flow of its shards (parent job id = jobId). */
interface Plan {
  evaluationId: string;
  shards: ShardRow[] | null;
  jobId: string;
}

export type QueueState = JobState | 'unknown' | 'missing';

/**
 * Redis did not answer (down, unreachable, or stuck) within the queue time-out. The database rows are the
 * truth, so callers leave the work to the reconciler instead of failing the request.
 */
export class QueueUnavailableError extends Error {
  constructor(operation: string, options?: { cause?: unknown }) {
    const cause = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`the evaluation queue is unavailable (${operation})${cause}`, options);
    this.name = 'QueueUnavailableError';
  }
}

/**
 * The producer side of the evaluation queue. The job id is the evaluation id, so enqueueing twice is a no-op.
 * An evaluation whose suite allows sharding, on a deployment that asks for shards (GENBENCH_SHARDS), is
 * enqueued as a BullMQ flow: the parent job (the merge, job id = evaluation id) and one child job per shard
 * not yet succeeded; the shard rows are planned in the database first, so a retry or a reconciliation
 * enqueues only what is left.
 * Every operation is bounded by `queueTimeoutMs` as a whole: the connection fails commands fast while Redis
 * is down (no offline queue), and this bound also covers a Redis that accepts connections but never answers,
 * and a queue whose first connection has not come up yet.
 */
@Injectable()
export class EvaluationQueue {
  constructor(
    @InjectQueue(EVALUATE_QUEUE) private readonly queue: Queue<EvaluateJob>,
    @InjectFlowProducer(EVALUATE_FLOW) private readonly flows: FlowProducer,
    @Inject(EvaluationShardsRepository) private readonly shards: EvaluationShardsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async enqueue(evaluationIds: string[]): Promise<void> {
    if (evaluationIds.length === 0) return;
    const plans = await this.plan(evaluationIds);
    await this.bounded('enqueue', () => this.add(plans));
  }

  /** Removes a finished job (and a flow's shard jobs) so the same evaluation can be queued again (retry, reconciliation). */
  async replace(evaluationId: string): Promise<void> {
    const plans = await this.plan([evaluationId]);
    await this.bounded('replace', async () => {
      await this.removeJobs(plans[0]!);
      await this.add(plans);
    });
  }

  /**
   * Whether each evaluation runs sharded, and its shards (planned now when it should be and has none). A
   * flow's job ids name the time the evaluation was last queued, so a retry's flow is a new one even while
   * the cancelled flow's last shard jobs still run (their posts are refused; its merge finds nothing to do).
   */
  private async plan(evaluationIds: string[]): Promise<Plan[]> {
    const out: Plan[] = [];
    for (const evaluationId of evaluationIds) {
      const shards = await this.shards.ensurePlanned(evaluationId, this.config.shards);
      out.push({ evaluationId, shards, jobId: shards ? await this.flowJobId(evaluationId) : evaluationId });
    }
    return out;
  }

  /** The job id of the evaluation's job: its own id, or for a sharded evaluation its current flow's parent. */
  private async jobIdOf(evaluationId: string): Promise<{ jobId: string; shards: ShardRow[] | null }> {
    const shards = await this.shards.list(evaluationId);
    return shards.length ? { jobId: await this.flowJobId(evaluationId), shards } : { jobId: evaluationId, shards: null };
  }

  private async flowJobId(evaluationId: string): Promise<string> {
    return `${evaluationId}-flow-${(await this.shards.queuedAt(evaluationId))?.getTime() ?? 0}`;
  }

  private async removeJobs({ jobId, shards }: Pick<Plan, 'jobId' | 'shards'>): Promise<void> {
    const job = await this.queue.getJob(jobId);
    if (job) await job.remove({ removeChildren: true }).catch(() => undefined);
    for (const s of shards ?? []) {
      const child = await this.queue.getJob(shardJobId(jobId, s.index));
      if (child) await child.remove().catch(() => undefined);
    }
  }

  async state(evaluationId: string): Promise<{ state: QueueState; failedReason?: string }> {
    const { jobId } = await this.jobIdOf(evaluationId);
    return this.bounded('state', async () => {
      const job = await this.queue.getJob(jobId);
      if (!job) return { state: 'missing' as const };
      return { state: await job.getState(), failedReason: job.failedReason };
    });
  }

  /** The state of one shard's child job in the evaluation's current flow. */
  async shardState(evaluationId: string, index: number): Promise<QueueState> {
    const { jobId } = await this.jobIdOf(evaluationId);
    return this.bounded('state', async () => {
      const job = await this.queue.getJob(shardJobId(jobId, index));
      return job ? await job.getState() : ('missing' as const);
    });
  }

  /** Puts a lost shard's child job back under its evaluation's waiting parent (the reconciler, per shard). */
  async addShard(evaluationId: string, index: number): Promise<void> {
    const { jobId } = await this.jobIdOf(evaluationId);
    await this.bounded('enqueue', async () => {
      await this.queue.add('shard', { evaluationId, shard: index } satisfies EvaluateJob, {
        jobId: shardJobId(jobId, index),
        ...JOB_OPTS,
        parent: { id: jobId, queue: this.queue.qualifiedName },
        failParentOnFailure: true,
      });
    });
  }

  async remove(evaluationId: string): Promise<void> {
    const job = await this.jobIdOf(evaluationId);
    await this.bounded('remove', () => this.removeJobs(job));
  }

  /** A round trip to Redis (INFO) on the queue's own connection. */
  async ping(): Promise<void> {
    await this.bounded('ping', async () => {
      await (await this.queue.getBackend().client).info();
    });
  }

  /** Jobs by state: the queue itself readable, not only Redis answering. */
  counts(): Promise<Record<string, number>> {
    return this.bounded('counts', () => this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed'));
  }

  private async add(plans: Plan[]): Promise<void> {
    const whole = plans.filter((p) => !p.shards).map((p) => p.evaluationId);
    if (whole.length)
      await this.queue.addBulk(
        whole.map((evaluationId) => ({ name: 'evaluate', data: { evaluationId }, opts: { jobId: evaluationId, ...JOB_OPTS } })),
      );
    for (const { evaluationId, shards, jobId } of plans) {
      if (!shards) continue;
      // Shards that succeeded keep their stored partial results; a flow without children runs the merge at once.
      const left = shards.filter((s) => s.status !== 'succeeded');
      await this.flows.add({
        name: 'merge',
        queueName: EVALUATE_QUEUE,
        data: { evaluationId, merge: true } satisfies EvaluateJob,
        opts: { jobId, ...JOB_OPTS },
        children: left.map((s) => ({
          name: 'shard',
          queueName: EVALUATE_QUEUE,
          data: { evaluationId, shard: s.index } satisfies EvaluateJob,
          // A shard that fails for good (its runner has failed the evaluation with the reason) fails the flow.
          opts: { jobId: shardJobId(jobId, s.index), ...JOB_OPTS, failParentOnFailure: true },
        })),
      });
    }
  }

  private bounded<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    return withQueueTimeout(operation, this.config.queueTimeoutMs, fn);
  }
}

/** `fn`, failing with QueueUnavailableError when it fails or has not settled within `ms`. */
export function withQueueTimeout<T>(operation: string, ms: number, fn: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new QueueUnavailableError(`${operation}: no answer within ${ms} ms`)), ms);
    fn().then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(new QueueUnavailableError(operation, { cause: err }));
      },
    );
  });
}
