// Child-process entry for inspectModel: receives {path, manifest, decoderPath?} over IPC, answers with the report.
import { readFile } from 'node:fs/promises';
import { inspectModel } from './inspect-model.js';
import { inspectSampleBatch } from './inspect-samples.js';
import type { Manifest } from '../manifest/manifest.schemas.js';

process.once('message', async (msg: { path: string; manifest: Manifest; decoderPath?: string }) => {
  try {
    // A sample batch is not an ONNX model: only its .npz headers are read.
    const report =
      msg.manifest.kind === 'samples'
        ? await inspectSampleBatch(msg.path, msg.manifest)
        : await inspectModel(await readFile(msg.path), msg.manifest, {
            decoder: msg.decoderPath ? await readFile(msg.decoderPath) : undefined,
          });
    process.send!(report, () => process.exit(0));
  } catch (err) {
    process.send!({ ok: false, problem: `inspection failed: ${(err as Error).message}` }, () => process.exit(0));
  }
});
