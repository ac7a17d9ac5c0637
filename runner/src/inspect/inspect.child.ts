// Child-process entry for inspectModel: receives {path, manifest} over IPC, answers with the report.
import { readFile } from 'node:fs/promises';
import { inspectModel } from './inspect-model.js';
import type { Manifest } from '../manifest/manifest.schemas.js';

process.once('message', async (msg: { path: string; manifest: Manifest }) => {
  try {
    const bytes = await readFile(msg.path);
    const report = await inspectModel(bytes, msg.manifest);
    process.send!(report, () => process.exit(0));
  } catch (err) {
    process.send!({ ok: false, problem: `inspection failed: ${(err as Error).message}` }, () => process.exit(0));
  }
});
