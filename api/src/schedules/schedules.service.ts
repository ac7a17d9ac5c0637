import { InjectQueue } from '@nestjs/bullmq';
import { BadRequestException, Inject, Injectable, Logger, NotFoundException, type OnApplicationShutdown } from '@nestjs/common';
import { type Job, type Queue, Worker } from 'bullmq';
import { ArenaService } from '../arena/arena.service.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { EvaluationQueue, withQueueTimeout } from '../evaluations/evaluation-queue.js';
import { redisConnection } from '../../../contracts/jobs/redis-connection.js';
import { SchedulesRepository } from './schedules.repository.js';
import { type CreateScheduleBody, FiringJob, SCHEDULE_QUEUE, type UpdateScheduleBody } from './schedules.schemas.js';

/**
 * Schedules live in PostgreSQL and are run by BullMQ job schedulers (one per schedule, keyed by its id).
 * Every API process may run the firing worker: BullMQ delivers each firing to one of them, and the
 * (schedule, slot) unique row makes a duplicate delivery create nothing. The schedulers are re-derived
 * from the database at start and periodically, so a flushed Redis loses no schedule.
 */
@Injectable()
export class SchedulesService implements OnApplicationShutdown {
  private readonly log = new Logger('schedules');
  private worker?: Worker;
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(SchedulesRepository) private readonly schedules: SchedulesRepository,
    @Inject(EvaluationQueue) private readonly evaluations: EvaluationQueue,
    @InjectQueue(SCHEDULE_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ArenaService) private readonly arena: ArenaService,
  ) {}

  /**
   * Syncs the schedulers and starts the firing worker. A Redis that is down at start delays neither the API
   * nor its health report: the first sync gives up after the queue time-out and the periodic sync retries.
   */
  async start(): Promise<void> {
    await withQueueTimeout('schedule sync at start', this.config.queueTimeoutMs, () => this.sync()).catch((err: Error) =>
      this.log.warn(`schedules not synced at start (${err.message}); the periodic sync retries`),
    );
    if (!this.config.scheduler) return;
    this.worker = new Worker(SCHEDULE_QUEUE, (job) => this.onFiring(job), {
      connection: redisConnection(this.config.redisUrl),
      prefix: this.config.queuePrefix,
      concurrency: 1,
    });
    this.worker.on('error', (err) => this.log.warn(`schedule worker: ${err.message}`));
    if (this.config.reconcileIntervalMs > 0) {
      this.timer = setInterval(
        () => void this.sync().catch((err) => this.log.warn(`schedule sync failed: ${(err as Error).message}`)),
        this.config.reconcileIntervalMs,
      );
      this.timer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.worker?.close();
  }

  /** Makes Redis's job schedulers match the database: one per enabled schedule, none for the rest. */
  async sync(): Promise<void> {
    const rows = await this.schedules.list();
    const wanted = new Set<string>();
    for (const s of rows) {
      if (!s.enabled) continue;
      wanted.add(s.id);
      // Re-upserting an unchanged scheduler would move its pending firing to the next slot: a firing due
      // while every API process was down would be lost. Only create or change schedulers here.
      const existing = await this.queue.getJobScheduler(s.id);
      if (existing && existing.pattern === s.cron && (existing.tz ?? 'UTC') === s.timezone) continue;
      await this.queue.upsertJobScheduler(
        s.id,
        { pattern: s.cron, tz: s.timezone },
        { name: 'fire', data: { scheduleId: s.id }, opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } },
      );
    }
    for (const existing of await this.queue.getJobSchedulers(0, -1)) {
      if (existing.key && !wanted.has(existing.key)) await this.queue.removeJobScheduler(existing.key);
    }
  }

  async onFiring(job: Job): Promise<{ evaluations: number } | { duplicate: true }> {
    const { scheduleId } = FiringJob.parse(job.data);
    const slot = new Date(job.opts.prevMillis ?? job.timestamp + (job.opts.delay ?? 0));
    const fired = await this.schedules.fire(scheduleId, slot);
    if (!fired) return { duplicate: true };
    await this.evaluations
      .enqueue(fired.evaluationIds)
      .catch((err) => this.log.warn(`firing ${fired.firingId}: enqueue deferred to the reconciler: ${(err as Error).message}`));
    this.log.log(`schedule ${scheduleId} fired for ${slot.toISOString()}: ${fired.evaluationIds.length} evaluation(s)`);
    // Each firing also brings the arena's ratings up to date with the votes (a new version only where they changed);
    // a failure there is logged and never fails the firing, whose evaluations are already stored.
    await this.arena
      .recompute(undefined, { onlyIfChanged: true })
      .catch((err) => this.log.warn(`firing ${fired.firingId}: arena ratings not recomputed: ${(err as Error).message}`));
    return { evaluations: fired.evaluationIds.length };
  }

  async create(body: CreateScheduleBody) {
    const exists = await this.schedules.targetExists(body);
    const issues = [
      ...(exists.suite ? [] : [{ path: 'suiteId', message: `no suite "${body.suiteId}"` }]),
      ...(exists.model ? [] : [{ path: 'modelId', message: `no model ${body.modelId}` }]),
    ];
    if (issues.length)
      throw new BadRequestException({
        statusCode: 400,
        message: `invalid schedule: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues,
      });
    const s = await this.schedules.create(body);
    await this.sync();
    return s;
  }

  async update(id: string, body: UpdateScheduleBody) {
    if (!(await this.schedules.find(id))) throw new NotFoundException(`no schedule ${id}`);
    const s = await this.schedules.update(id, body);
    await this.sync();
    return s;
  }

  async remove(id: string) {
    if (!(await this.schedules.find(id))) throw new NotFoundException(`no schedule ${id}`);
    await this.schedules.delete(id);
    await this.sync();
    return { deleted: id };
  }

  list() {
    return this.schedules.list();
  }
}
