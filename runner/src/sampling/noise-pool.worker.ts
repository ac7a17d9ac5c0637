// A noise-pool thread (noise-pool.ts): fills its share of a draw, in place, in the shared buffer it is sent.
import { parentPort } from 'node:worker_threads';
import { fillNormals } from './noise.js';
import type { NoiseTask } from './noise-pool.js';

parentPort!.on('message', (task: NoiseTask) => {
  try {
    const out = new Float32Array(task.buffer);
    for (let k = 0; k < task.indices.length; k++) {
      fillNormals(out, (task.first + k) * task.perSample, task.perSample, task.seed, task.indices[k]!, task.draw);
    }
    parentPort!.postMessage({ id: task.id });
  } catch (err) {
    parentPort!.postMessage({ id: task.id, error: (err as Error).message });
  }
});
