import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { JobState, Queue } from 'bullmq';
import { EVALUATE_ATTEMPTS, EVALUATE_QUEUE, type EvaluateJob } from '../../../contracts/jobs/evaluate.job.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

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
 * Every operation is bounded by `queueTimeoutMs` as a whole: the connection fails commands fast while Redis
 * is down (no offline queue), and this bound also covers a Redis that accepts connections but never answers,
 * and a queue whose first connection has not come up yet.
 */
@Injectable()
export class EvaluationQueue {
  constructor(
    @InjectQueue(EVALUATE_QUEUE) private readonly queue: Queue<EvaluateJob>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async enqueue(evaluationIds: string[]): Promise<void> {
    if (evaluationIds.length === 0) return;
    await this.bounded('enqueue', () => this.add(evaluationIds));
  }

  /** Removes a finished job so the same evaluation id can be queued again (retry, reconciliation). */
  async replace(evaluationId: string): Promise<void> {
    await this.bounded('replace', async () => {
      const job = await this.queue.getJob(evaluationId);
      if (job) await job.remove().catch(() => undefined);
      await this.add([evaluationId]);
    });
  }

  async state(evaluationId: string): Promise<{ state: QueueState; failedReason?: string }> {
    return this.bounded('state', async () => {
      const job = await this.queue.getJob(evaluationId);
      if (!job) return { state: 'missing' as const };
      return { state: await job.getState(), failedReason: job.failedReason };
    });
  }

  async remove(evaluationId: string): Promise<void> {
    await this.bounded('remove', async () => {
      const job = await this.queue.getJob(evaluationId);
      if (job) await job.remove().catch(() => undefined);
    });
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

  private async add(evaluationIds: string[]): Promise<void> {
    await this.queue.addBulk(
      evaluationIds.map((evaluationId) => ({
        name: 'evaluate',
        data: { evaluationId },
        opts: {
          jobId: evaluationId,
          attempts: EVALUATE_ATTEMPTS,
          backoff: { type: 'exponential', delay: 2000 },
          removeOnComplete: { count: 1000 },
          removeOnFail: { count: 5000 },
        },
      })),
    );
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
