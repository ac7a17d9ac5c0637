import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { type AssetDirs, loadAssetDirs } from '../../../contracts/assets/asset-dirs.js';
import { childMemoryLimitBytes } from '../child/memory-limit.js';
import { defaultNoiseThreads } from '../sampling/noise-pool.js';
import { REQUESTED_PROVIDERS, resolveProvider } from '../evaluation/execution-provider.js';
import type { ExecutionProvider } from '../evaluation/onnx-session.js';

/** Runner configuration, parsed once from the environment (README.md, "Configuration"). */
const Env = z.object({
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  GENBENCH_API_URL: z.string().url().default('http://127.0.0.1:3000'),
  GENBENCH_RUNNER_TOKEN: z
    .string()
    .min(1, 'GENBENCH_RUNNER_TOKEN is required: create one with `npm run token -- --role runner --owner <name>`'),
  GENBENCH_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('genbench'),
  GENBENCH_RUNNER_ID: z.string().optional(),
  GENBENCH_CACHE_DIR: z.string().default('.genbench/runner-cache'),
  /** auto: CUDA where onnxruntime-node's CUDA libraries are installed, else CPU (evaluation/execution-provider.ts). */
  GENBENCH_EP: z.enum(REQUESTED_PROVIDERS).default('auto'),
  GENBENCH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  /** Threads that draw a stochastic sampler's noise while the network runs; default: cores − 1, at most 8. */
  GENBENCH_NOISE_THREADS: z.coerce.number().int().min(0).max(64).optional(),
  /** onnxruntime's intra-op threads per session in the evaluation child; 0 (default): onnxruntime's own choice (one per core). */
  GENBENCH_ORT_THREADS: z.coerce.number().int().min(0).max(256).default(0),
  /** Upper bound on any one evaluation; a suite's own time_limit_s applies when smaller. */
  GENBENCH_EVAL_TIMEOUT_S: z.coerce
    .number()
    .positive()
    .default(6 * 3600),
  /** How long a job's lock lives without renewal: after a runner dies, its job is retried once this expires. */
  GENBENCH_LOCK_S: z.coerce.number().positive().default(60),
  /** Resident memory of one evaluation child; default: half the machine's memory ÷ GENBENCH_CONCURRENCY. */
  GENBENCH_CHILD_MEMORY_LIMIT_GIB: z.coerce.number().positive().optional(),
});

export interface RunnerConfig {
  redisUrl: string;
  apiUrl: string;
  token: string;
  queuePrefix: string;
  runnerId: string;
  cacheDir: string;
  /** GENBENCH_EP resolved: `auto` has become cuda or cpu. */
  executionProvider: ExecutionProvider;
  concurrency: number;
  noiseThreads: number;
  /** onnxruntime intra-op threads per session (GENBENCH_ORT_THREADS); 0 or absent: onnxruntime's default. */
  ortThreads?: number;
  evalTimeoutMs: number;
  lockMs: number;
  /** An evaluation child whose resident memory passes this is stopped, as the model's failure (child/memory-limit.ts). */
  childMemoryLimitBytes: number;
  /** Reference batches, extractor models and datasets (GENBENCH_REFERENCE_DIR, …_MODELS_DIR, …_DATASETS_DIR): passed to every evaluation child. */
  assetDirs: AssetDirs;
}

export function loadRunnerConfig(env: NodeJS.ProcessEnv = process.env): RunnerConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success)
    throw new Error(`invalid runner configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = parsed.data;
  return {
    redisUrl: e.REDIS_URL,
    apiUrl: e.GENBENCH_API_URL.replace(/\/$/, ''),
    token: e.GENBENCH_RUNNER_TOKEN,
    queuePrefix: e.GENBENCH_QUEUE_PREFIX,
    runnerId: e.GENBENCH_RUNNER_ID ?? `${hostname()}-${process.pid}`,
    cacheDir: resolve(e.GENBENCH_CACHE_DIR),
    executionProvider: resolveProvider(e.GENBENCH_EP),
    concurrency: e.GENBENCH_CONCURRENCY,
    noiseThreads: e.GENBENCH_NOISE_THREADS ?? defaultNoiseThreads(),
    ortThreads: e.GENBENCH_ORT_THREADS,
    evalTimeoutMs: e.GENBENCH_EVAL_TIMEOUT_S * 1000,
    lockMs: e.GENBENCH_LOCK_S * 1000,
    childMemoryLimitBytes: childMemoryLimitBytes(e.GENBENCH_CHILD_MEMORY_LIMIT_GIB, e.GENBENCH_CONCURRENCY),
    assetDirs: loadAssetDirs(env),
  };
}
