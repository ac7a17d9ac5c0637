import { fileURLToPath } from 'node:url';
import { runChildOnce } from '../child/fork-module.js';
import type { Manifest } from '../manifest/manifest.schemas.js';
import type { InspectionReport } from './inspect-model.js';

const CHILD = fileURLToPath(new URL('./inspect.child.ts', import.meta.url));

/** Inspects an uploaded model in a child process, so a malicious or crashing file cannot take the API down. */
export async function inspectInChild(path: string, manifest: Manifest, timeoutMs: number): Promise<InspectionReport> {
  const out = await runChildOnce<InspectionReport>(CHILD, { path, manifest }, timeoutMs);
  if (out.message) return out.message;
  if (out.timedOut) return { ok: false, field: 'file', problem: `loading and dry-running the model took longer than ${Math.round(timeoutMs / 1000)} s` };
  const how = out.signal ? `was killed by ${out.signal}` : `exited with code ${out.exitCode}`;
  return { ok: false, field: 'file', problem: `onnxruntime crashed while loading the model (the inspection process ${how})` };
}
