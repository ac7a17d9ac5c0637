import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { EvaluationQueue } from '../evaluations/evaluation-queue.js';
import { HealthRepository } from './health.repository.js';

export type ComponentStatus = { status: 'up'; counts?: Record<string, number> } | { status: 'down'; error: string };

export interface HealthReport {
  status: 'ok' | 'unavailable';
  components: { database: ComponentStatus; redis: ComponentStatus; queue: ComponentStatus };
}

/**
 * One check per dependency, run side by side and each bounded in time: PostgreSQL (SELECT 1), Redis (INFO
 * on the queue's connection) and the evaluation queue (its job counts). The API is healthy only when all are.
 */
@Injectable()
export class HealthService {
  constructor(
    @Inject(HealthRepository) private readonly health: HealthRepository,
    @Inject(EvaluationQueue) private readonly queue: EvaluationQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async check(): Promise<HealthReport> {
    const [database, redis, queue] = await Promise.all([
      this.probe(() => within(this.health.ping(), this.config.queueTimeoutMs, 'no answer from PostgreSQL')),
      this.probe(() => this.queue.ping()),
      this.probe(async () => ({ counts: await this.queue.counts() })),
    ]);
    const components = { database, redis, queue };
    return { status: Object.values(components).every((c) => c.status === 'up') ? 'ok' : 'unavailable', components };
  }

  private async probe(fn: () => Promise<void | { counts: Record<string, number> }>): Promise<ComponentStatus> {
    try {
      return { status: 'up', ...((await fn()) ?? {}) };
    } catch (err) {
      return { status: 'down', error: (err as Error).message };
    }
  }
}

function within<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
