/**
 * The JSON shapes of the genbench API as the dashboard reads them (api/src/**, presenters and services).
 * Dates arrive as ISO strings. Every record handed to react-admin carries an `id`. The named choices (tasks,
 * kinds, statuses…) are the contracts' own lists (contracts/enums.ts), not copies.
 */
import type {
  EvaluationStatus,
  EvaluationTrigger,
  FailureKind,
  SCHEDULE_SCOPES,
  TASKS,
  TokenRole,
  Visibility,
} from '../../contracts/enums';

export {
  EVALUATION_STATUSES,
  EVALUATION_TRIGGERS as TRIGGERS,
  MODEL_KINDS,
  SCHEDULE_SCOPES,
  SEGMENTATION_PROTOCOLS,
  TASKS,
  VISIBILITIES,
} from '../../contracts/enums';
export type { EvaluationStatus, TokenRole, Visibility } from '../../contracts/enums';
export type Task = (typeof TASKS)[number];
export type Trigger = EvaluationTrigger;

export interface ModelRef {
  id: string;
  name: string;
  owner: string;
  kind: string;
  visibility?: Visibility;
}

/**
 * The relative change of the suite's primary metric against the previous successful evaluation of the same
 * model version and suite version; `flagged` when beyond the suite's drift tolerance (README, "Re-evaluations").
 */
export interface Drift {
  relativeChange: number;
  flagged: boolean;
  previousEvaluationId?: string | null;
}

/** What a denoiser suite's runner records about sampling (runner/src/sampling/samplers.ts, SamplingRecord). */
export interface SamplerProtocol {
  solver: string;
  steps: number;
  guidance?: number;
  eta?: number;
  spacing?: string;
  /** Network calls per sample; twice that many rows run with classifier-free guidance. */
  nfe?: number;
  networkEvaluations?: number;
  classifierFreeGuidance?: boolean;
}

export interface Provenance {
  runnerVersion?: string;
  onnxruntimeVersion?: string;
  executionProvider?: string;
  hardware?: unknown;
  seed?: number;
  suite?: { id: string; version: number };
  protocol?: Record<string, unknown>;
  durationsMs?: Record<string, number>;
  [key: string]: unknown;
}

/** The runner's latest stage report (contracts/jobs/runner-api.schemas.ts, StageProgressReport). */
export interface StageProgress {
  stage: string;
  done: number;
  total: number;
  ratePerS: number | null;
  etaS: number | null;
  wallMs: Record<string, number>;
}

export interface Evaluation {
  id: string;
  status: EvaluationStatus;
  trigger: Trigger;
  progress: number;
  /** Where the time goes: live while running, the last report after. */
  stageProgress?: StageProgress | null;
  attempts: number;
  failureReason: string | null;
  /** Who must act on a failure: the model's author, an admin (`suite`), or nobody (`infrastructure`: retries ran out). */
  failureKind: FailureKind | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  model: ModelRef & { versionId: string; version: number };
  suite: { id: string; version: number; primaryMetric: string };
  metrics: Record<string, number>;
  intervals: Record<string, [number, number]>;
  provenance: Provenance | null;
  drift: Drift | null;
  /** `/api/evaluations/:id/samples.png` once the runner stored a grid of the first samples. */
  sampleGrid: string | null;
}

export interface ModelSummary extends ModelRef {
  visibility: Visibility;
  createdAt: string;
  latestVersion: number | null;
}

export interface ModelVersion {
  id: string;
  version: number;
  /** As chosen when this version was submitted; the model page shows only the versions the reader may see. */
  visibility?: Visibility;
  artifactSha256: string;
  artifactSize: number;
  manifest: Record<string, unknown>;
  createdAt: string;
  evaluations: Evaluation[];
}

export interface ModelDetail extends ModelRef {
  visibility: Visibility;
  createdAt: string;
  versions: ModelVersion[];
}

export interface SuiteVersion {
  version: number;
  createdAt: string;
  definition: Record<string, unknown>;
}

export interface Suite {
  id: string;
  task: Task;
  resolution: number;
  description: string;
  latestVersion: number | null;
  primaryMetric: string | null;
  higherIsBetter: boolean | null;
  kinds: string[];
  versions: SuiteVersion[];
  /** Whether this server has the files the newest version needs (reference statistics, extractor, dataset). */
  available: boolean;
  /** Why not, and what to download; null when available. */
  unavailableReason: string | null;
}

/** POST /api/suites/preview: where a submission of a manifest would go, before uploading anything. */
export interface SuitePreview {
  kind: string;
  resolution: number | null;
  task: string | null;
  suites: Array<{ id: string; version: number; outcome: 'queued' | 'unavailable' | 'not-applicable'; reason: string | null }>;
}

export interface BoardSuite {
  id: string;
  version: number;
  task: Task;
  resolution: number;
  primaryMetric: string;
  higherIsBetter: boolean;
  /** Zero-shot segmentation: the matching protocol and the number of clusters K; null otherwise. */
  protocol?: string | null;
  classes?: number | null;
  /** Video generation: frames per video and frame rate (boards are per resolution and frame count); absent otherwise. */
  frames?: number | null;
  fps?: number | null;
}

/** A leaderboard row; `id` is the evaluation id (added by the data provider). */
export interface LeaderboardEntry {
  id: string;
  rank: number;
  model: ModelRef;
  modelVersion: number;
  modelVersionId: string;
  /** This version's own visibility (private rows reach only their owner and admins). */
  visibility?: Visibility;
  evaluationId: string;
  metrics: Record<string, number>;
  intervals: Record<string, [number, number]>;
  finishedAt: string | null;
  /** The trigger of the evaluation whose score is shown: a nightly re-evaluation replaces the submit's. */
  trigger: Trigger;
  drift: Drift | null;
  /** The evaluation's recorded protocol; for denoiser suites it includes the sampler. */
  protocol: (Record<string, unknown> & Partial<SamplerProtocol>) | null;
  /** This version's standing in the board's latest arena rating; null: the arena has not rated it. */
  arena?: ArenaStanding | null;
}

/** A model's arena standing: `rating` is null (and `note` says why) below the minimum vote count. */
export interface ArenaStanding {
  rating: number | null;
  low: number | null;
  high: number | null;
  votes: number;
  enoughVotes: boolean;
  note: string | null;
}

/** One suite's board as the leaderboard lists it: the suite and how many entries it holds; `id` is the suite id. */
export interface Board {
  id: string;
  suite: BoardSuite;
  /** Entries on the whole board. */
  total: number;
}

/** A board with one page of its entries, as GET /api/leaderboards answers it. */
export interface BoardPage extends Board {
  entries: LeaderboardEntry[];
}

/** GET /api/metrics: the runner's metric registry. */
export interface MetricInfo {
  id: string;
  version: number;
  higherIsBetter: boolean;
  description: string;
}

/** GET /api/auth/whoami */
export interface Whoami {
  owner: string;
  role: TokenRole;
  /** Evaluations per day; null when unlimited. */
  dailyQuota: number | null;
}

export interface Schedule {
  id: string;
  name: string;
  cron: string;
  timezone: string;
  scope: (typeof SCHEDULE_SCOPES)[number];
  suiteId: string | null;
  modelId: string | null;
  enabled: boolean;
  createdAt: string;
  /** The latest firings, newest first. */
  firings?: Array<{ id: string; slot: string; evaluations: number; createdAt: string }>;
}

/** POST /api/admin/tokens: the secret is in this response only. */
export interface IssuedToken {
  id: string;
  secret: string;
  role: TokenRole;
  owner: string;
}

export type TokenState = 'active' | 'revoked' | 'expired';

/** GET /api/admin/tokens (items), DELETE /api/admin/tokens/:id: a token without its secret. */
export interface TokenInfo {
  id: string;
  name: string;
  role: TokenRole;
  owner: string;
  dailyQuota: number | null;
  state: TokenState;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  /** Accurate to the minute; null when never used. */
  lastUsedAt: string | null;
  /** The token the request was made with (this browser's). */
  current: boolean;
}

/** POST /api/admin/reconcile */
export interface ReconcileReport {
  checked: number;
  requeued: string[];
  failed: string[];
}

export interface SubmitResult {
  model: ModelRef;
  version: { id: string; version: number; artifactSha256: string; artifactSize: number };
  evaluations: Array<{ id: string; suite: { id: string; version: number }; status: EvaluationStatus }>;
  warnings: string[];
}

/** The body of every API error (Nest exceptions; validation failures add `issues`). */
export interface ApiErrorBody {
  statusCode: number;
  message: string | string[];
  error?: string;
  issues?: Array<{ path: string; message: string }>;
}

export const isActive = (status: EvaluationStatus | undefined): boolean => status === 'queued' || status === 'running';

export type ArenaChoice = 'left' | 'right' | 'tie' | 'both_bad';

/** POST /api/arena/pairs: the two sides are grids; show tile `index` of an 8×8 grid. */
export interface ArenaPair {
  id: string;
  suite: { id: string; version: number };
  sampleIndex: number;
  left: { url: string; index: number };
  right: { url: string; index: number };
}

/** POST /api/arena/pairs/:id/vote: the names, revealed. */
export interface ArenaVote {
  id: string;
  pairId: string;
  choice: ArenaChoice;
  left: { model: string; owner: string; version: number };
  right: { model: string; owner: string; version: number };
}

/** GET /api/arena/boards/:suiteId */
export interface ArenaBoard {
  suite: { id: string; version: number; primaryMetric: string };
  rating: { version: number; algorithm: string; seed: number; resamples: number; votes: number; createdAt: string } | null;
  minVotes: number;
  entries: Array<
    ArenaStanding & {
      model: string;
      owner: string;
      version: number;
      primaryMetric: number | null;
    }
  >;
  agreement: Array<{ metricId: string; n: number; tau: number | null; low: number | null; high: number | null }>;
}

/** What a kept sample answered: `{class_label}`, `{prompt}`, `{}` (unconditional); image-conditioned families add `images`. */
export interface SampleCondition {
  class_label?: number;
  prompt?: string;
  /** An image-conditioned sample's text beside its input image: the edit instruction or the control caption. */
  instruction?: string;
  caption?: string;
  images?: Record<string, string>;
  [key: string]: unknown;
}

/** GET /api/evaluations/:id/samples: the suite's first K samples, each with its condition and PNG URL. */
export interface EvaluationSamples {
  evaluationId: string;
  /** `mediaType` image/webp: a video evaluation's animated preview, `frames` frames stored (issue #21.4). */
  items: Array<{
    index: number;
    condition: SampleCondition;
    width: number;
    height: number;
    mediaType: 'image/png' | 'image/webp';
    frames: number | null;
    image: string;
    /** URLs of the images the condition names, by role: an image-conditioned sample's `input` and `target`. */
    conditionImages?: Record<string, string>;
  }>;
}
