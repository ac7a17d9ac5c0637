import type { EvaluationWithContext } from './evaluations.repository.js';

/** The public shape of an evaluation (GET endpoints, leaderboard links, dashboard). */
export function presentEvaluation(e: EvaluationWithContext) {
  return {
    id: e.id,
    status: e.status,
    trigger: e.trigger,
    progress: e.progress,
    stageProgress: e.stageProgress,
    attempts: e.attempts,
    failureReason: e.failureReason,
    failureKind: e.failureKind,
    queuedAt: e.queuedAt,
    startedAt: e.startedAt,
    finishedAt: e.finishedAt,
    durationMs: e.startedAt && e.finishedAt ? e.finishedAt.getTime() - e.startedAt.getTime() : null,
    model: {
      id: e.modelVersion.model.id,
      name: e.modelVersion.model.name,
      owner: e.modelVersion.model.owner,
      kind: e.modelVersion.model.kind,
      /** This version's visibility (each version has its own). */
      visibility: e.modelVersion.visibility,
      versionId: e.modelVersion.id,
      version: e.modelVersion.version,
    },
    suite: { id: e.suiteVersion.suiteId, version: e.suiteVersion.version, primaryMetric: e.suiteVersion.primaryMetric },
    metrics: Object.fromEntries(e.metrics.map((m) => [m.metricId, m.value])),
    intervals: Object.fromEntries(
      e.metrics.filter((m) => m.intervalLow != null && m.intervalHigh != null).map((m) => [m.metricId, [m.intervalLow, m.intervalHigh]]),
    ),
    provenance: e.provenance,
    drift: e.drift == null ? null : { relativeChange: e.drift, flagged: e.driftFlagged, previousEvaluationId: e.previousEvaluationId },
    sampleGrid: e.sampleGridSha256 ? `/api/evaluations/${e.id}/samples.png` : null,
  };
}
