import * as ort from 'onnxruntime-node';
import { externalTensorNames } from '../onnx/external-data.js';
import { ModelFailure } from './model-failure.js';
import { onnxErrorText } from '../onnx/error-text.js';

export type ExecutionProvider = 'cpu' | 'webgpu' | 'cuda';

export interface OpenedSession {
  session: ort.InferenceSession;
  /** The provider the session actually runs on (recorded in provenance). */
  executionProvider: ExecutionProvider;
  warnings: string[];
}

/**
 * Opens a session on the requested provider, falling back to CPU with a warning when the provider cannot
 * start here (no GPU, no Vulkan loader, CUDA libraries absent).
 */
let defaultThreads = 0;

/**
 * The intra-op thread count of sessions opened without one (0: onnxruntime's default, one per core). The
 * evaluation child sets it from the runner's GENBENCH_ORT_THREADS, so several runners on one machine can
 * each keep to their share of the cores.
 */
export function setDefaultSessionThreads(threads: number): void {
  defaultThreads = threads;
}

export async function openSession(model: Uint8Array, requested: ExecutionProvider = 'cpu', threads = 0): Promise<OpenedSession> {
  threads ||= defaultThreads;
  const external = externalTensorNames(model);
  if (external.length > 0)
    throw new ModelFailure(
      `the model keeps tensor data in external files (${external.slice(0, 5).join(', ')}); only self-contained models are run`,
    );
  const warnings: string[] = [];
  const base: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    ...(threads > 0 ? { intraOpNumThreads: threads } : {}),
  };
  if (requested !== 'cpu') {
    try {
      const session = await ort.InferenceSession.create(model, { ...base, executionProviders: [requested] });
      return { session, executionProvider: requested, warnings };
    } catch (err) {
      warnings.push(`execution provider ${requested} unavailable (${(err as Error).message.split('\n')[0]}); falling back to cpu`);
    }
  }
  try {
    const session = await ort.InferenceSession.create(model, { ...base, executionProviders: ['cpu'] });
    return { session, executionProvider: 'cpu', warnings };
  } catch (err) {
    throw new ModelFailure(`onnxruntime could not load the model: ${(err as Error).message}`, { cause: err });
  }
}

export const onnxruntimeVersion = (): string => ort.env.versions?.node ?? 'unknown';

let beforeModelRun: ((batchSize: number) => void) | undefined;

/**
 * Calls `observer` with the batch size (the largest leading dimension of the feeds) before each run of a
 * submitted model: the evaluation child tells its parent, whose memory watchdog names it in the reason.
 */
export function observeModelRuns(observer: ((batchSize: number) => void) | undefined): void {
  beforeModelRun = observer;
}

/** Runs a submitted model: an exception inside its graph is the model's failure, not ours. */
export async function runModel(
  session: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
  outputs: string[],
  what: string,
): Promise<ort.InferenceSession.ReturnType> {
  if (beforeModelRun) beforeModelRun(Math.max(1, ...Object.values(feeds).map((t) => (t.dims.length > 0 ? t.dims[0]! : 1))));
  try {
    return await session.run(feeds, outputs);
  } catch (err) {
    throw new ModelFailure(`the model failed while ${what}: ${onnxErrorText(err)}`, { cause: err });
  }
}

export function firstNonFinite(data: Float32Array): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return i;
  return -1;
}
