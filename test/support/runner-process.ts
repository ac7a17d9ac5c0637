import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { TestStack } from './stack.js';

/** A runner as its own OS process (`npm run runner`'s entry point), so a test can SIGKILL it. */
export interface RunnerProcess {
  child: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnRunner(stack: TestStack, name: string, env: Record<string, string> = {}): RunnerProcess {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'runner/src/worker/main.ts'], {
    env: {
      ...process.env,
      REDIS_URL: stack.config.redisUrl,
      GENBENCH_API_URL: stack.baseUrl,
      GENBENCH_RUNNER_TOKEN: stack.runnerToken,
      GENBENCH_QUEUE_PREFIX: stack.config.queuePrefix,
      GENBENCH_RUNNER_ID: name,
      GENBENCH_CACHE_DIR: join(stack.dataDir, `cache-${name}`),
      GENBENCH_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return {
    child,
    output: () => out,
    kill(signal = 'SIGTERM') {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      });
    },
  };
}
