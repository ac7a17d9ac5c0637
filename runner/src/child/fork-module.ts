import { type ChildProcess, fork } from 'node:child_process';
import { watchMemory } from './memory-limit.js';

/**
 * Forks a Node child running `modulePath`. TypeScript modules get tsx's loader, so the same code runs
 * from source in development, tests and the demo. Models always run in a child: onnxruntime's
 * session.run blocks the event loop, and a crashing or hanging model can then be killed cleanly
 * (SIGKILL on a child process leaves the parent intact; terminating a worker thread mid-run does not).
 */
export function forkModule(
  modulePath: string,
  args: string[] = [],
  opts: { env?: NodeJS.ProcessEnv; silent?: boolean } = {},
): ChildProcess {
  const execArgv = modulePath.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
  return fork(modulePath, args, {
    execArgv,
    env: opts.env ?? process.env,
    stdio: opts.silent ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
}

export interface ChildOutcome<T> {
  /** The last message the child sent. */
  message?: T;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** The child's peak resident memory when it passed `memoryLimitBytes` and was killed. */
  memoryExceededAt?: number;
  stderr: string;
  /** The child's peak resident memory as last read (0 where it cannot be read). */
  peakBytes: number;
}

/**
 * Runs a child that answers with one IPC message (earlier ones go to `onMessage`), killing it after
 * `timeoutMs` or once its resident memory passes `memoryLimitBytes` (memory-limit.ts).
 */
export function runChildOnce<T>(
  modulePath: string,
  input: unknown,
  timeoutMs: number,
  opts: { memoryLimitBytes?: number; onMessage?: (m: T) => void } = {},
): Promise<ChildOutcome<T>> {
  return new Promise((resolveOutcome) => {
    const child = forkModule(modulePath, [], { silent: true });
    let message: T | undefined;
    let stderr = '';
    let timedOut = false;
    let memoryExceededAt: number | undefined;
    const memory =
      opts.memoryLimitBytes === undefined
        ? undefined
        : watchMemory(child.pid!, opts.memoryLimitBytes, (peak) => {
            if (!timedOut) memoryExceededAt = peak;
            child.kill('SIGKILL');
          });
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 20_000) stderr += d.toString('utf8');
    });
    child.stdout?.resume();
    child.on('message', (m) => {
      message = m as T;
      opts.onMessage?.(m as T);
    });
    const timer = setTimeout(() => {
      if (memoryExceededAt === undefined) timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('exit', (exitCode, signal) => {
      clearTimeout(timer);
      memory?.stop();
      resolveOutcome({ message, exitCode, signal, timedOut, memoryExceededAt, stderr, peakBytes: memory?.peakBytes ?? 0 });
    });
    child.send(input as never);
  });
}
