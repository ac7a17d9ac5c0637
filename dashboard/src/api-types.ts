/**
 * The JSON shapes of the genbench API as the dashboard reads them (api/src/**, presenters and services).
 * Dates arrive as ISO strings. Every record handed to react-admin carries an `id`.
 */

export const TASKS = ['unconditional-generation', 'class-conditional-generation', 'zero-shot-segmentation'] as const;
export type Task = (typeof TASKS)[number];

export const EVALUATION_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type EvaluationStatus = (typeof EVALUATION_STATUSES)[number];

export const MODEL_KINDS = ['generator', 'denoiser', 'samples', 'extractor', 'segmenter'] as const;

export interface ModelRef {
  id: string;
  name: string;
  owner: string;
  kind: string;
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

export interface Evaluation {
  id: string;
  status: EvaluationStatus;
  trigger: string;
  progress: number;
  attempts: number;
  failureReason: string | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  model: ModelRef & { versionId: string; version: number };
  suite: { id: string; version: number; primaryMetric: string };
  metrics: Record<string, number>;
  intervals: Record<string, [number, number]>;
  provenance: Provenance | null;
}

export interface ModelSummary extends ModelRef {
  createdAt: string;
  latestVersion: number | null;
}

export interface ModelVersion {
  id: string;
  version: number;
  artifactSha256: string;
  artifactSize: number;
  manifest: Record<string, unknown>;
  createdAt: string;
  evaluations: Evaluation[];
}

export interface ModelDetail extends ModelRef {
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
}

export interface BoardSuite {
  id: string;
  version: number;
  task: Task;
  resolution: number;
  primaryMetric: string;
  higherIsBetter: boolean;
}

/** A leaderboard row; `id` is the evaluation id (added by the data provider). */
export interface LeaderboardEntry {
  id: string;
  rank: number;
  model: ModelRef;
  modelVersion: number;
  modelVersionId: string;
  evaluationId: string;
  metrics: Record<string, number>;
  finishedAt: string | null;
}

/** One suite's board; `id` is the suite id (added by the data provider). */
export interface Board {
  id: string;
  suite: BoardSuite;
  entries: LeaderboardEntry[];
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
