import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { JobState, Queue } from 'bullmq';
import { EVALUATE_ATTEMPTS, EVALUATE_QUEUE, type EvaluateJob } from '../../../runner/src/jobs/evaluate/evaluate.job.js';

export type QueueState = JobState | 'unknown' | 'missing';

/** The producer side of the evaluation queue. The job id is the evaluation id, so enqueueing twice is a no-op. */
@Injectable()
export class EvaluationQueue {
  constructor(@InjectQueue(EVALUATE_QUEUE) private readonly queue: Queue<EvaluateJob>) {}

  async enqueue(evaluationIds: string[]): Promise<void> {
    if (evaluationIds.length === 0) return;
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

  /** Removes a finished job so the same evaluation id can be queued again (retry, reconciliation). */
  async replace(evaluationId: string): Promise<void> {
    const job = await this.queue.getJob(evaluationId);
    if (job) await job.remove().catch(() => undefined);
    await this.enqueue([evaluationId]);
  }

  async state(evaluationId: string): Promise<{ state: QueueState; failedReason?: string }> {
    const job = await this.queue.getJob(evaluationId);
    if (!job) return { state: 'missing' };
    return { state: await job.getState(), failedReason: job.failedReason };
  }

  async remove(evaluationId: string): Promise<void> {
    const job = await this.queue.getJob(evaluationId);
    if (job) await job.remove().catch(() => undefined);
  }
}
