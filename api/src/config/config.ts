import { resolve } from 'node:path';
import { z } from 'zod';
import { type AssetDirs, loadAssetDirs } from '../../../contracts/assets/asset-dirs.js';
import { childMemoryLimitBytes } from '../../../runner/src/api-entry.js';
import { parseTrustProxy, type TrustProxy } from './trust-proxy.js';

/**
 * Configuration of the API process, parsed once at start from the environment (README.md,
 * "Configuration"). Nothing else in api/ reads process.env.
 */
const Env = z.object({
  DATABASE_URL: z.string().default('postgresql://postgres@127.0.0.1:5432/genbench'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  GENBENCH_HOST: z.string().default('127.0.0.1'),
  GENBENCH_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  GENBENCH_DATA_DIR: z.string().default('.genbench'),
  GENBENCH_ARTIFACT_DIR: z.string().optional(),
  GENBENCH_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('genbench'),
  GENBENCH_MAX_UPLOAD_MB: z.coerce.number().positive().default(1024),
  /** Where resumable (tus) uploads are assembled; shared storage when several API processes serve uploads. */
  GENBENCH_TUS_DIR: z.string().optional(),
  GENBENCH_UPLOAD_EXPIRY_H: z.coerce.number().positive().default(24),
  GENBENCH_UPLOAD_SWEEP_INTERVAL_S: z.coerce.number().min(0).default(600),
  GENBENCH_DASHBOARD_DIR: z.string().optional(),
  GENBENCH_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GENBENCH_INSPECT_TIMEOUT_S: z.coerce.number().positive().default(60),
  /** Resident memory of one upload inspection child; default: half the machine's memory (runner/src/child/memory-limit.ts). */
  GENBENCH_CHILD_MEMORY_LIMIT_GIB: z.coerce.number().positive().optional(),
  GENBENCH_RECONCILE_INTERVAL_S: z.coerce.number().min(0).default(30),
  GENBENCH_ARTIFACT_SWEEP_INTERVAL_S: z.coerce.number().min(0).default(3600),
  GENBENCH_ARTIFACT_SWEEP_GRACE_S: z.coerce.number().min(0).default(3600),
  GENBENCH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  GENBENCH_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(0).default(30),
  GENBENCH_MAX_JSON_MB: z.coerce.number().positive().default(2),
  GENBENCH_TRUST_PROXY: z.string().default(''),
  GENBENCH_SCHEDULER: z.enum(['on', 'off']).default('on'),
  GENBENCH_RECONCILER: z.enum(['on', 'off']).default('on'),
  GENBENCH_QUEUE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
  GENBENCH_CLAIM_LEASE_S: z.coerce.number().min(1).max(3600).default(30),
  GENBENCH_SHARDS: z.coerce.number().int().min(1).max(1024).default(1),
  GENBENCH_MAX_SHARD_PARTIAL_MB: z.coerce.number().positive().default(4096),
  // The arena (README.md, "Arena"): each default is the value its section states.
  GENBENCH_ARENA_RESAMPLES: z.coerce.number().int().min(1).max(100_000).default(500),
  GENBENCH_ARENA_MIN_VOTES: z.coerce.number().int().min(0).max(1_000_000).default(20),
  GENBENCH_ARENA_VOTES_PER_MINUTE: z.coerce.number().int().min(0).default(30),
  GENBENCH_ARENA_PAIR_CLOSENESS: z.coerce.number().positive().default(400),
  GENBENCH_ARENA_PAIR_REPEAT_PENALTY: z.coerce.number().min(0).max(10).default(1),
  GENBENCH_ARENA_RECOMPUTE_INTERVAL_S: z.coerce.number().min(0).default(3600),
});

/** The arena's constants (README.md, "Arena" and "Services and configuration"). */
export interface ArenaConfig {
  /** Bootstrap resamples of the votes behind each stored rating's intervals (recorded with the rating). */
  resamples: number;
  /** Below this many counted votes a model's rating is not shown as a rating: the entry says it has too few votes. */
  minVotes: number;
  /** Votes one voter may cast per rolling minute (429 past it); 0: no per-voter limit (the per-address one still holds). */
  votesPerMinute: number;
  /** Pair weight exp(−|Δrating| / closeness) / (1 + votes on the pair)^repeatPenalty: closeness in Elo points. */
  pairCloseness: number;
  /** The exponent on (1 + votes already on the pair): 0 ignores how often a pair was judged. */
  pairRepeatPenalty: number;
  /** How often this process recomputes the ratings where the votes changed; 0: only at schedule firings and on demand. */
  recomputeIntervalMs: number;
}

export interface AppConfig {
  databaseUrl: string;
  redisUrl: string;
  host: string;
  port: number;
  dataDir: string;
  artifactDir: string;
  uploadTmpDir: string;
  queuePrefix: string;
  /** Largest upload, multipart or resumable (GENBENCH_MAX_UPLOAD_MB): past it, 413. */
  maxUploadBytes: number;
  /** The tus upload directory (GENBENCH_TUS_DIR, default <data dir>/tus). */
  tusDir: string;
  /** A resumable upload, finished or not, not used by a submission within this time is removed (GENBENCH_UPLOAD_EXPIRY_H). */
  uploadExpiryMs: number;
  /** How often expired uploads are removed; 0: only at start (GENBENCH_UPLOAD_SWEEP_INTERVAL_S). */
  uploadSweepIntervalMs: number;
  dashboardDir: string;
  logLevel: z.infer<typeof Env>['GENBENCH_LOG_LEVEL'];
  inspectTimeoutMs: number;
  /** An inspection child whose resident memory passes this is stopped and the upload refused (GENBENCH_CHILD_MEMORY_LIMIT_GIB). */
  childMemoryLimitBytes: number;
  /** 0 disables the periodic pass (it still runs once at start and on POST /api/admin/reconcile). */
  reconcileIntervalMs: number;
  /** How often unreferenced stored files are removed; 0: only on POST /api/admin/artifacts/sweep. */
  artifactSweepIntervalMs: number;
  /** A stored file younger than this is never swept (covers a submission or sample grid being recorded). */
  artifactSweepGraceMs: number;
  /** Requests per minute per client address; 0 disables rate limiting. */
  rateLimitPerMinute: number;
  /** Failed authentications per minute per client address before it gets 429 (api/src/auth/auth-failures.ts); 0: no limit. */
  authFailuresPerMinute: number;
  /** Largest JSON request body (GENBENCH_MAX_JSON_MB). */
  maxJsonBytes: number;
  /** Express's `trust proxy` (GENBENCH_TRUST_PROXY): false, a hop count or the proxies' addresses/subnets (trust-proxy.ts). */
  trustProxy: TrustProxy;
  /** Whether this process fires schedules (any number of API processes may; each firing runs once). */
  scheduler: boolean;
  /**
   * Whether this process reconciles the database with the queue on its own: once at start and every
   * `reconcileIntervalMs` (GENBENCH_RECONCILER). Off, it reconciles only on POST /api/admin/reconcile: for an
   * API process that shares its database with other deployments' queues (the tests' stacks on one database,
   * a staging API pointed at a copy), whose evaluations it would otherwise queue on its own queue.
   */
  reconciler: boolean;
  /** Upper bound on one queue operation (enqueue, remove, state, health ping) while Redis is down or stuck. */
  queueTimeoutMs: number;
  /**
   * How long a runner's claim on an evaluation lives without a heartbeat (runners post one every third of
   * it): while alive, no other runner may claim the evaluation and the reconciler leaves it alone.
   */
  claimLeaseMs: number;
  /**
   * Into how many shards an evaluation is split when its suite allows sharding (GENBENCH_SHARDS; capped by
   * the suite's `sharding.max_shards` and its number of batches); 1: every evaluation runs on one runner.
   */
  shards: number;
  /** Largest partial result a runner may upload for one shard (GENBENCH_MAX_SHARD_PARTIAL_MB). */
  maxShardPartialBytes: number;
  /** Where suites' downloaded files are looked for (GENBENCH_REFERENCE_DIR, GENBENCH_MODELS_DIR). */
  assets: AssetDirs;
  arena: ArenaConfig;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<AppConfig> = {}): AppConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${msg}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.GENBENCH_DATA_DIR);
  return {
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    host: e.GENBENCH_HOST,
    port: e.GENBENCH_PORT,
    dataDir,
    artifactDir: resolve(e.GENBENCH_ARTIFACT_DIR ?? resolve(dataDir, 'artifacts')),
    uploadTmpDir: resolve(dataDir, 'uploads'),
    queuePrefix: e.GENBENCH_QUEUE_PREFIX,
    maxUploadBytes: Math.round(e.GENBENCH_MAX_UPLOAD_MB * 1024 * 1024),
    tusDir: resolve(e.GENBENCH_TUS_DIR ?? resolve(dataDir, 'tus')),
    uploadExpiryMs: Math.round(e.GENBENCH_UPLOAD_EXPIRY_H * 3_600_000),
    uploadSweepIntervalMs: e.GENBENCH_UPLOAD_SWEEP_INTERVAL_S * 1000,
    dashboardDir: resolve(e.GENBENCH_DASHBOARD_DIR ?? 'dashboard/dist'),
    logLevel: e.GENBENCH_LOG_LEVEL,
    inspectTimeoutMs: e.GENBENCH_INSPECT_TIMEOUT_S * 1000,
    childMemoryLimitBytes: childMemoryLimitBytes(e.GENBENCH_CHILD_MEMORY_LIMIT_GIB),
    reconcileIntervalMs: e.GENBENCH_RECONCILE_INTERVAL_S * 1000,
    artifactSweepIntervalMs: e.GENBENCH_ARTIFACT_SWEEP_INTERVAL_S * 1000,
    artifactSweepGraceMs: e.GENBENCH_ARTIFACT_SWEEP_GRACE_S * 1000,
    rateLimitPerMinute: e.GENBENCH_RATE_LIMIT_PER_MINUTE,
    authFailuresPerMinute: e.GENBENCH_AUTH_FAILURES_PER_MINUTE,
    maxJsonBytes: Math.round(e.GENBENCH_MAX_JSON_MB * 1024 * 1024),
    trustProxy: parseTrustProxy(e.GENBENCH_TRUST_PROXY),
    scheduler: e.GENBENCH_SCHEDULER === 'on',
    reconciler: e.GENBENCH_RECONCILER === 'on',
    queueTimeoutMs: e.GENBENCH_QUEUE_TIMEOUT_MS,
    claimLeaseMs: e.GENBENCH_CLAIM_LEASE_S * 1000,
    shards: e.GENBENCH_SHARDS,
    maxShardPartialBytes: Math.round(e.GENBENCH_MAX_SHARD_PARTIAL_MB * 1024 * 1024),
    assets: loadAssetDirs(env),
    arena: {
      resamples: e.GENBENCH_ARENA_RESAMPLES,
      minVotes: e.GENBENCH_ARENA_MIN_VOTES,
      votesPerMinute: e.GENBENCH_ARENA_VOTES_PER_MINUTE,
      pairCloseness: e.GENBENCH_ARENA_PAIR_CLOSENESS,
      pairRepeatPenalty: e.GENBENCH_ARENA_PAIR_REPEAT_PENALTY,
      recomputeIntervalMs: e.GENBENCH_ARENA_RECOMPUTE_INTERVAL_S * 1000,
    },
    ...overrides,
  };
}
