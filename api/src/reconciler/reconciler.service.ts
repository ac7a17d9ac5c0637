import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { EVALUATE_ATTEMPTS } from '../../../contracts/jobs/evaluate.job.js';
import { publicReason } from '../../../contracts/jobs/public-reason.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { EvaluationQueue, QueueUnavailableError } from '../evaluations/evaluation-queue.js';
import { EvaluationsRepository } from '../evaluations/evaluations.repository.js';
import { EvaluationShardsRepository } from '../evaluations/evaluation-shards.repository.js';

export interface ReconcileReport {
  checked: number;
  requeued: string[];
  failed: string[];
  /** Running evaluations left alone because their runner's claim is alive (it heartbeats within the lease). */
  claimed: string[];
  /** Shards (`<evaluation id>/<index>`) whose child job was lost while their evaluation's flow waited, put back. */
  requeuedShards: string[];
  /** Set when Redis did not answer: the pass stopped there, and the next one picks up where it left off. */
  queueUnavailable?: string;
}

/**
 * PostgreSQL is the source of truth; Redis is a work list that can be lost (a restart without persistence,
 * a FLUSHALL). Periodically, every evaluation the database holds as queued or running is checked against
 * the queue: one whose job is gone is queued again, or ended as failed, with the reason, when its attempts
 * ran out; one whose job failed without the runner being able to report it is ended with the job's reason.
 * A running evaluation whose runner still heartbeats within the claim lease is never touched, whatever the
 * queue says: its runner is working on it (Redis may have been flushed under it) and will report.
 */
@Injectable()
export class ReconcilerService implements OnApplicationShutdown {
  private readonly log = new Logger('reconciler');
  private timer?: NodeJS.Timeout;
  private running?: Promise<ReconcileReport>;

  constructor(
    @Inject(EvaluationsRepository) private readonly evaluations: EvaluationsRepository,
    @Inject(EvaluationShardsRepository) private readonly shards: EvaluationShardsRepository,
    @Inject(EvaluationQueue) private readonly queue: EvaluationQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  start(): void {
    if (this.config.reconcileIntervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.reconcile().catch((err) => this.log.warn(`reconciliation failed: ${(err as Error).message}`));
    }, this.config.reconcileIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One pass; concurrent calls share the pass in progress. */
  reconcile(graceMs = 5000): Promise<ReconcileReport> {
    this.running ??= this.pass(graceMs).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(graceMs: number): Promise<ReconcileReport> {
    // A grace period keeps us from racing a submission between its commit and its enqueue.
    const active = await this.evaluations.findActive(new Date(Date.now() - graceMs));
    const report: ReconcileReport = { checked: active.length, requeued: [], failed: [], claimed: [], requeuedShards: [] };
    try {
      await this.check(active, report);
    } catch (err) {
      if (!(err instanceof QueueUnavailableError)) throw err;
      report.queueUnavailable = err.message;
      this.log.warn(`reconciliation stopped: ${err.message}`);
    }
    if (report.requeued.length || report.failed.length) {
      this.log.log(`reconciled ${report.checked}: requeued ${report.requeued.length}, failed ${report.failed.length}`);
    }
    return report;
  }

  private async check(active: Awaited<ReturnType<EvaluationsRepository['findActive']>>, report: ReconcileReport): Promise<void> {
    const liveSince = Date.now() - this.config.claimLeaseMs;
    for (const e of active) {
      if (e.status === 'running' && e.heartbeatAt && e.heartbeatAt.getTime() >= liveSince) {
        report.claimed.push(e.id);
        continue;
      }
      const { state, failedReason } = await this.queue.state(e.id);
      if (state === 'waiting-children') {
        await this.checkShards(e.id, liveSince, report);
      } else if (state === 'missing' || state === 'completed') {
        if (e.attempts >= EVALUATE_ATTEMPTS) {
          const reason = `its ${e.attempts} attempts ran out and its job was lost from the queue`;
          if (await this.evaluations.fail(e.id, 'infrastructure', reason)) report.failed.push(e.id);
        } else {
          await this.queue.replace(e.id);
          report.requeued.push(e.id);
        }
      } else if (state === 'failed') {
        const reason = publicReason(`infrastructure: gave up after ${e.attempts} attempt(s): ${failedReason ?? 'unknown error'}`);
        if (await this.evaluations.fail(e.id, 'infrastructure', reason)) report.failed.push(e.id);
      }
    }
  }

  /**
   * Per shard, while a sharded evaluation's flow waits for its shards: a shard not yet succeeded whose claim
   * is not alive and whose child job is gone is put back under the parent (a killed runner's shard whose job
   * BullMQ lost); shards that are done or held are left alone. (A lost parent is the case above: the flow is
   * enqueued again with the shards not yet succeeded.)
   */
  private async checkShards(evaluationId: string, liveSince: number, report: ReconcileReport): Promise<void> {
    for (const s of await this.shards.list(evaluationId)) {
      if (s.status === 'succeeded' || (s.status === 'running' && s.heartbeatAt && s.heartbeatAt.getTime() >= liveSince)) continue;
      if (s.status !== 'queued' && s.status !== 'running') continue;
      const state = await this.queue.shardState(evaluationId, s.index);
      if (state === 'missing') {
        await this.queue.addShard(evaluationId, s.index);
        report.requeuedShards.push(`${evaluationId}/${s.index}`);
      }
    }
  }
}
