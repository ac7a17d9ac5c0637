import type { StageProgress } from '../evaluation/stage-clock.js';
import { fileURLToPath } from 'node:url';
import { forkModule } from '../child/fork-module.js';
import { formatGiB, memoryLimitReason, watchMemory } from '../child/memory-limit.js';
import type { KeptSample } from '../evaluation/sample-set.js';
import type { EvaluationOutput } from '../tasks/task-family.js';
import type { ChildFailure, ChildMessage, ChildRequest } from './child-protocol.js';
import type { ShardFacts } from '../../../contracts/jobs/runner-api.schemas.js';

const CHILD = fileURLToPath(new URL('./evaluation.child.ts', import.meta.url));

export type ChildResult =
  | { kind: 'done'; output: EvaluationOutput; sampleGrid?: Uint8Array; samples?: KeptSample[] }
  | { kind: 'shard-done'; partial: Uint8Array; facts: ShardFacts; sampleGrid?: Uint8Array; samples?: KeptSample[] }
  | { kind: 'failed'; failure: ChildFailure };

const modelFailure = (reason: string, stack?: string): ChildResult => ({
  kind: 'failed',
  failure: { kind: 'model', reason, ...(stack ? { stack } : {}) },
});

/**
 * Runs an evaluation in a child process with a time limit and a memory limit (child/memory-limit.ts).
 * Time-outs, crashes and passing the memory limit are the model's failure (a model that hangs, takes
 * onnxruntime down or allocates beyond its share); errors the child reports carry their own kind.
 */
export function runEvaluationInChild(
  req: ChildRequest,
  opts: {
    timeoutMs: number;
    memoryLimitBytes: number;
    onProgress?: (fraction: number, stage?: StageProgress) => void;
    signal?: AbortSignal;
  },
): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = forkModule(CHILD, [], { silent: true });
    let settled: ChildResult | undefined;
    // The batch the submitted model is running (the child says so before each run); until then the suite's.
    let batchSize: number | undefined = req.suite.batch_size;
    const memory = watchMemory(child.pid!, opts.memoryLimitBytes, (peak) => {
      settled ??= modelFailure(memoryLimitReason(opts.memoryLimitBytes, batchSize, peak));
      child.kill('SIGKILL');
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-4000);
    });
    child.stdout?.resume();
    const timer = setTimeout(() => {
      settled ??= modelFailure(`the evaluation exceeded its time limit of ${Math.round(opts.timeoutMs / 1000)} s and was stopped`);
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    const onAbort = () => {
      settled ??= {
        kind: 'failed',
        failure: { kind: 'infrastructure', reason: 'the runner is shutting down; the evaluation was released for another runner' },
      };
      child.kill('SIGKILL');
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'batch') batchSize = m.size;
      else if (m.type === 'progress') opts.onProgress?.(m.fraction, m.stage);
      else if (m.type === 'done') settled ??= { kind: 'done', output: m.output, sampleGrid: m.sampleGrid, samples: m.samples };
      else if (m.type === 'shard-done')
        settled ??= { kind: 'shard-done', partial: m.partial, facts: m.facts, sampleGrid: m.sampleGrid, samples: m.samples };
      else if (m.type === 'failed') settled ??= { kind: 'failed', failure: m.failure };
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      memory.stop();
      opts.signal?.removeEventListener('abort', onAbort);
      if (!settled) {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        const oom = /out of memory|heap/i.test(stderr) ? ' (out of memory)' : '';
        // Killed from outside (the kernel's OOM killer, say): what the watchdog last saw tells the author why.
        const seen =
          signal === 'SIGKILL' && memory.peakBytes > 0
            ? `; its resident memory had reached ${formatGiB(memory.peakBytes)} GiB of its ${formatGiB(opts.memoryLimitBytes)} GiB limit`
            : '';
        // The child's last words (onnxruntime's abort message, a V8 fatal error) go to the runner's log.
        settled = modelFailure(`the model crashed the evaluation process, which ${how}${oom}${seen}`, stderr);
      }
      resolve(settled);
    });
    child.send(req);
  });
}
