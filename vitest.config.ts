import { defineConfig } from 'vitest/config';

// Three projects: `unit` (pure code, onnxruntime in-process, and the dashboard's pure modules), `integration` (real PostgreSQL, Redis,
// onnxruntime; files run one at a time because they share the services) and `e2e` (real Chromium, the dashboard built once).
// Integration files run one after another in one worker that keeps its module graph (isolate: false): each file
// isolates itself by its queue prefix, data directory and owner names, and re-importing NestJS, Prisma and
// onnxruntime for each of 45 files cost about 70 s of a 14-minute run.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'contracts/**/*.spec.ts',
            'runner/src/**/*.spec.ts',
            'api/src/**/*.spec.ts',
            'benchmarks/**/*.spec.ts',
            'test/unit/**/*.spec.ts',
            'dashboard/src/**/*.spec.ts',
          ],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.spec.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          fileParallelism: false,
          isolate: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.spec.ts'],
          globalSetup: ['test/support/global-setup.ts', 'test/e2e/build-dashboard.setup.ts'],
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
