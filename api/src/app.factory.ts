import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { setupOpenApi } from './common/openapi-document.js';
import type { AppConfig } from './config/config.js';
import { ReconcilerService } from './reconciler/reconciler.service.js';
import { SchedulesService } from './schedules/schedules.service.js';
import { SuitesService } from './suites/suites.service.js';

const LEVELS: Record<AppConfig['logLevel'], LogLevel[] | false> = {
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
  silent: false,
};

/** Builds the API application (used by main.ts, the demo and the integration tests). Does not listen. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  await mkdir(config.artifactDir, { recursive: true });
  await mkdir(config.uploadTmpDir, { recursive: true });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: LEVELS[config.logLevel],
    bodyParser: true,
  });
  app.useBodyParser('json', { limit: config.maxJsonBytes });
  // Who the client is, for the per-address limits (README.md, "Security"): the TCP peer unless
  // GENBENCH_TRUST_PROXY names the proxies in front.
  app.set('trust proxy', config.trustProxy);
  app.enableShutdownHooks();
  app.disable('x-powered-by');

  // Swagger UI at /api/docs, the OpenAPI document at /api/openapi.json (common/openapi-document.ts).
  setupOpenApi(app);

  if (existsSync(config.dashboardDir)) {
    app.useStaticAssets(config.dashboardDir, { index: 'index.html' });
  } else {
    new Logger('dashboard').warn(`no built dashboard at ${config.dashboardDir} (npm run build:dashboard)`);
  }

  await app.init();
  await app.get(SuitesService).sync();
  if (config.reconciler) {
    const reconciler = app.get(ReconcilerService);
    await reconciler.reconcile();
    reconciler.start();
  }
  await app.get(SchedulesService).start();
  return app;
}
