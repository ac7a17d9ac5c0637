import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, Reflector } from '@nestjs/core';
import {
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
  ThrottlerGuard,
  ThrottlerModule,
  getOptionsToken,
  getStorageToken,
} from '@nestjs/throttler';
import { AdminModule } from './admin/admin.module.js';
import { ArenaModule } from './arena/arena.module.js';
import { ArtifactsModule } from './artifacts/artifacts.module.js';
import type { Request } from 'express';
import { clientAddress } from './auth/auth-failures.js';
import { AuthModule } from './auth/auth.module.js';
import { HttpErrorsFilter } from './common/http-errors.filter.js';
import type { AppConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { EvaluationsModule } from './evaluations/evaluations.module.js';
import { HealthModule } from './health/health.module.js';
import { LeaderboardModule } from './leaderboard/leaderboard.module.js';
import { MetricsInfoModule } from './metrics-info/metrics-info.module.js';
import { ModelsModule } from './models/models.module.js';
import { producerConnection } from '../../contracts/jobs/redis-connection.js';
import { ReconcilerModule } from './reconciler/reconciler.module.js';
import { RunnerApiModule } from './runner-api/runner-api.module.js';
import { SchedulesModule } from './schedules/schedules.module.js';
import { SuitesModule } from './suites/suites.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        BullModule.forRoot({ connection: producerConnection(config.redisUrl, config.queueTimeoutMs), prefix: config.queuePrefix }),
        AuthModule,
        ArtifactsModule,
        SuitesModule,
        EvaluationsModule,
        ModelsModule,
        RunnerApiModule,
        LeaderboardModule,
        HealthModule,
        ReconcilerModule,
        SchedulesModule,
        AdminModule,
        MetricsInfoModule,
        ArenaModule,
        ThrottlerModule.forRoot({
          throttlers: [{ name: 'default', ttl: 60_000, limit: config.rateLimitPerMinute }],
          skipIf: () => config.rateLimitPerMinute === 0,
          // One count per client address across every route: the default key adds the controller and handler,
          // which made the limit per route.
          getTracker: (req) => clientAddress(req as unknown as Request),
          generateKey: (_ctx, tracker, name) => `${name}:${tracker}`,
          errorMessage: (_ctx, d) =>
            `too many requests from your address (more than ${d.limit} a minute, GENBENCH_RATE_LIMIT_PER_MINUTE); ` +
            `retry in ${d.timeToBlockExpire} s`,
        }),
      ],
      providers: [
        { provide: APP_FILTER, useClass: HttpErrorsFilter },
        // Rate limiting per client address; runner endpoints are exempt (@SkipThrottle), they are token-bound
        // (failed authentications are limited on every route, runner endpoints included: auth-failures.ts).
        // Built by hand: @nestjs/throttler is CommonJS, and under the ESM loader its `Reflector` token is not
        // the same class object as ours, so Nest could not inject it (the guard only reads metadata with it).
        {
          provide: APP_GUARD,
          inject: [getOptionsToken(), getStorageToken()],
          useFactory: (options: ThrottlerModuleOptions, storage: ThrottlerStorage) => new ThrottlerGuard(options, storage, new Reflector()),
        },
      ],
    };
  }
}
