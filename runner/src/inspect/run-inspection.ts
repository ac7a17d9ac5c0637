import { fileURLToPath } from 'node:url';
import { runChildOnce } from '../child/fork-module.js';
import type { Manifest } from '../manifest/manifest.schemas.js';
import type { InspectionReport } from './inspect-model.js';

const CHILD = fileURLToPath(new URL('./inspect.child.ts', import.meta.url));

/**
 * Inspects an uploaded model (or sample batch) in a child process, so a malicious or crashing file cannot take
 * the API down. `extras.decoderPath`: the decoder ONNX of a latent denoiser.
 */
export async function inspectInChild(
  path: string,
  manifest: Manifest,
  timeoutMs: number,
  extras: { decoderPath?: string } = {},
): Promise<InspectionReport> {
  const out = await runChildOnce<InspectionReport>(CHILD, { path, manifest, decoderPath: extras.decoderPath }, timeoutMs);
  if (out.message) return out.message;
  const samples = manifest.kind === 'samples';
  if (out.timedOut) {
    const what = samples ? 'reading the sample batch headers' : 'loading and dry-running the model';
    return { ok: false, field: 'file', problem: `${what} took longer than ${Math.round(timeoutMs / 1000)} s` };
  }
  const how = out.signal ? `was killed by ${out.signal}` : `exited with code ${out.exitCode}`;
  const what = samples ? 'reading the sample batch' : 'onnxruntime crashed while loading the model';
  return { ok: false, field: 'file', problem: `${what}${samples ? ' crashed' : ''} (the inspection process ${how})` };
}
