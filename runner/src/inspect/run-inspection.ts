import { fileURLToPath } from 'node:url';
import { runChildOnce } from '../child/fork-module.js';
import { formatGiB, memoryLimitReason } from '../child/memory-limit.js';
import type { Manifest } from '../../../contracts/manifest/manifest.schemas.js';
import { DRY_RUN_BATCH, type FullBatchPhase } from '../../../contracts/inspection/inspection.js';
import type { InspectionReport } from '../../../contracts/inspection/inspection.js';

const CHILD = fileURLToPath(new URL('./inspect.child.ts', import.meta.url));

export interface InspectionLimits {
  timeoutMs: number;
  /** The child is stopped, and the upload refused, once its resident memory passes this (child/memory-limit.ts). */
  memoryLimitBytes: number;
  /**
   * The largest batch the matching suites run the model at (inspect-full-batch.ts: largestNetworkBatch):
   * after the shape checks on a batch of 2, the model runs once at this size under the same memory limit.
   */
  batchSize?: number;
}

function isPhase(m: unknown): m is FullBatchPhase {
  return typeof m === 'object' && m !== null && (m as { phase?: unknown }).phase === 'full-batch';
}

/**
 * Inspects an uploaded model (or sample batch) in a child process, so a malicious or crashing file cannot take
 * the API down. `extras.decoderPath`: the decoder ONNX of a latent denoiser; `extras.classifierPath`: the
 * classifier ONNX of a classifier-guided one.
 *
 * The full-batch run is checked where it is affordable: a model that passes the memory limit there is
 * refused, but one that is merely too slow to finish it within the time limit on the API's machine is
 * accepted on its batch-2 checks, with a note (the runner enforces the same limit during the evaluation).
 */
export async function inspectInChild(
  path: string,
  manifest: Manifest,
  limits: InspectionLimits,
  extras: { decoderPath?: string; classifierPath?: string; textEncoderPath?: string; tokenizerPath?: string } = {},
): Promise<InspectionReport> {
  const { timeoutMs, memoryLimitBytes, batchSize } = limits;
  let phase: FullBatchPhase | undefined;
  const out = await runChildOnce<InspectionReport | FullBatchPhase>(CHILD, { path, manifest, ...extras, batchSize }, timeoutMs, {
    memoryLimitBytes,
    onMessage: (m) => {
      if (isPhase(m)) phase = m;
    },
  });
  const samples = manifest.kind === 'samples';
  if (out.memoryExceededAt !== undefined) {
    const reason = samples
      ? `reading the sample batch exceeded the memory limit of ${formatGiB(memoryLimitBytes)} GiB (its process reached ${formatGiB(out.memoryExceededAt)} GiB and was stopped)`
      : memoryLimitReason(memoryLimitBytes, phase?.size ?? DRY_RUN_BATCH, out.memoryExceededAt);
    return { ok: false, field: 'file', problem: reason };
  }
  if (out.message && !isPhase(out.message)) return out.message;
  if (out.timedOut && phase && phase.report.ok) {
    const note = `the dry run at batch size ${phase.size} did not finish within ${Math.round(timeoutMs / 1000)} s here, so its memory was not checked at submission; evaluations stop a model that passes the memory limit`;
    return { ...phase.report, fullBatchNote: note };
  }
  if (out.timedOut) {
    const what = samples ? 'reading the sample batch through' : 'loading and dry-running the model';
    return { ok: false, field: 'file', problem: `${what} took longer than ${Math.round(timeoutMs / 1000)} s` };
  }
  const how = out.signal ? `was killed by ${out.signal}` : `exited with code ${out.exitCode}`;
  const what = samples ? 'reading the sample batch' : 'onnxruntime crashed while loading the model';
  return { ok: false, field: 'file', problem: `${what}${samples ? ' crashed' : ''} (the inspection process ${how})` };
}
