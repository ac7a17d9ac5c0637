import { fileURLToPath } from 'node:url';
import { forkModule } from '../child/fork-module.js';
import type { EvaluationOutput } from '../evaluation/run-evaluation.js';
import type { ChildMessage, ChildRequest } from './child-protocol.js';

const CHILD = fileURLToPath(new URL('./evaluation.child.ts', import.meta.url));

export type ChildResult =
  | { kind: 'done'; output: EvaluationOutput; sampleGrid?: Uint8Array }
  | { kind: 'model-failure'; reason: string }
  | { kind: 'infrastructure'; message: string };

/**
 * Runs an evaluation in a child process with a time limit. Time-outs and crashes of the child are the
 * model's failure (a model that hangs or takes onnxruntime down); errors the child reports are ours.
 */
export function runEvaluationInChild(
  req: ChildRequest,
  opts: { timeoutMs: number; onProgress?: (fraction: number) => void; signal?: AbortSignal },
): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = forkModule(CHILD, [], { silent: true });
    let settled: ChildResult | undefined;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-4000);
    });
    child.stdout?.resume();
    const timer = setTimeout(() => {
      settled ??= {
        kind: 'model-failure',
        reason: `the evaluation exceeded its time limit of ${Math.round(opts.timeoutMs / 1000)} s and was stopped`,
      };
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    const onAbort = () => {
      settled ??= { kind: 'infrastructure', message: 'the runner is shutting down; the evaluation was released for another runner' };
      child.kill('SIGKILL');
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'progress') opts.onProgress?.(m.fraction);
      else if (m.type === 'done') settled ??= { kind: 'done', output: m.output, sampleGrid: m.sampleGrid };
      else if (m.type === 'model-failure') settled ??= { kind: 'model-failure', reason: m.reason };
      else if (m.type === 'error') settled ??= { kind: 'infrastructure', message: m.message };
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (!settled) {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        const oom = /out of memory|heap/i.test(stderr) ? ' (out of memory)' : '';
        settled = { kind: 'model-failure', reason: `the model crashed the evaluation process, which ${how}${oom}` };
      }
      resolve(settled);
    });
    child.send(req);
  });
}
