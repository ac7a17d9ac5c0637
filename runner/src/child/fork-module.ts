import { type ChildProcess, fork } from 'node:child_process';

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
  message?: T;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stderr: string;
}

/** Runs a child that answers with one IPC message, killing it after `timeoutMs`. */
export function runChildOnce<T>(modulePath: string, input: unknown, timeoutMs: number): Promise<ChildOutcome<T>> {
  return new Promise((resolveOutcome) => {
    const child = forkModule(modulePath, [], { silent: true });
    let message: T | undefined;
    let stderr = '';
    let timedOut = false;
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 20_000) stderr += d.toString('utf8');
    });
    child.stdout?.resume();
    child.on('message', (m) => {
      message = m as T;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('exit', (exitCode, signal) => {
      clearTimeout(timer);
      resolveOutcome({ message, exitCode, signal, timedOut, stderr });
    });
    child.send(input as never);
  });
}
