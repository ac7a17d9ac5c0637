// Child process that runs one evaluation. The parent (the runner's queue worker) can kill it at any time;
// if the parent dies, the IPC channel closes and this process exits rather than run on orphaned.
import { readFile } from 'node:fs/promises';
import { runEvaluation } from '../evaluation/run-evaluation.js';
import { ModelFailure } from '../evaluation/model-failure.js';
import type { ChildRequest, ChildMessage } from './child-protocol.js';

function send(msg: ChildMessage): Promise<void> {
  return new Promise((resolve) => process.send!(msg, () => resolve()));
}

process.on('disconnect', () => process.exit(1));
process.once('message', async (req: ChildRequest) => {
  try {
    const model = await readFile(req.artifactPath);
    let last = 0;
    const output = await runEvaluation({
      model,
      manifest: req.manifest,
      suite: req.suite,
      executionProvider: req.executionProvider,
      onProgress: (fraction) => {
        const now = Date.now();
        if (now - last >= 250 || fraction >= 1) {
          last = now;
          process.send!({ type: 'progress', fraction } satisfies ChildMessage);
        }
      },
    });
    await send({ type: 'done', output });
  } catch (err) {
    if (err instanceof ModelFailure) await send({ type: 'model-failure', reason: err.message });
    else await send({ type: 'error', message: (err as Error).message, stack: (err as Error).stack });
  }
  process.exit(0);
});
