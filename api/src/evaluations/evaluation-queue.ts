import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { EVALUATE_ATTEMPTS, EVALUATE_QUEUE, type EvaluateJob } from '../../../runner/src/jobs/evaluate/evaluate.job.js';

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
}
