import { defineConfig } from 'vitest/config';

// Three projects: `unit` (pure code, onnxruntime in-process, and the dashboard's pure modules), `integration` (real PostgreSQL, Redis,
// onnxruntime; files run one at a time because they share the services) and `e2e` (real Chromium).
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
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.spec.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
