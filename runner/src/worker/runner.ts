import { Worker } from 'bullmq';
import { pino, type Logger } from 'pino';
import { EVALUATE_QUEUE } from '../../../contracts/jobs/evaluate.job.js';
import { redisConnection } from '../../../contracts/jobs/redis-connection.js';
import { createEvaluateProcessor } from './evaluate.processor.js';
import { RunnerApiClient } from './api-client.js';
import type { RunnerConfig } from './runner-config.js';

export interface RunningRunner {
  worker: Worker;
  /** Stops taking jobs and waits for the current ones; with `force`, kills them and releases them for retry. */
  stop(opts?: { force?: boolean }): Promise<void>;
}

/** Starts a queue worker. Any number of runners, on any machines, may share one queue. */
export function startRunner(config: RunnerConfig, log: Logger = pino({ name: 'runner' })): RunningRunner {
  const api = new RunnerApiClient(config.apiUrl, config.token);
  const abort = new AbortController();
  const worker = new Worker(EVALUATE_QUEUE, createEvaluateProcessor({ api, config, log, shutdown: abort.signal }), {
    connection: redisConnection(config.redisUrl),
    prefix: config.queuePrefix,
    concurrency: config.concurrency,
    lockDuration: config.lockMs,
    stalledInterval: Math.max(1000, Math.round(config.lockMs / 2)),
    maxStalledCount: 2,
  });
  worker.on('failed', (job, err) => log.warn({ jobId: job?.id, attemptsMade: job?.attemptsMade, err: err.message }, 'job failed'));
  worker.on('error', (err) => log.error({ err: err.message }, 'worker error'));
  log.info({ runnerId: config.runnerId, queue: `${config.queuePrefix}:${EVALUATE_QUEUE}`, ep: config.executionProvider }, 'runner started');
  return {
    worker,
    async stop(opts = {}) {
      if (opts.force) abort.abort();
      await worker.close(opts.force);
    },
  };
}
