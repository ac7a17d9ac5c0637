import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/tokens.service.js';
import { canSee } from '../evaluations/evaluations.service.js';
import { LeaderboardRepository } from './leaderboard.repository.js';
import type { LeaderboardQuery } from './leaderboard.schemas.js';

export interface RankedRow {
  primary: number;
}

/**
 * Competition ranking ("1224"): equal primary values share a rank and the next rank skips. Rows without a
 * value for the primary metric are not ranked. Ties are ordered by earlier finish (first to reach a score).
 */
export function rankRows<T extends RankedRow>(rows: T[], higherIsBetter: boolean): Array<T & { rank: number }> {
  const sorted = [...rows].sort((a, b) => (higherIsBetter ? b.primary - a.primary : a.primary - b.primary));
  let rank = 0;
  return sorted.map((r, i) => {
    if (i === 0 || r.primary !== sorted[i - 1]!.primary) rank = i + 1;
    return { ...r, rank };
  });
}

@Injectable()
export class LeaderboardService {
  constructor(@Inject(LeaderboardRepository) private readonly repo: LeaderboardRepository) {}

  /** One board per suite (its newest version): each model version's latest successful score, ranked. */
  async boards(q: LeaderboardQuery, principal?: Principal) {
    const versions = await this.repo.suiteVersions({ task: q.task, resolution: q.resolution, suiteId: q.suite });
    const latest = versions.filter((v, i) => i === 0 || versions[i - 1]!.suiteId !== v.suiteId);
    const boards = [];
    for (const sv of latest) {
      const evals = await this.repo.succeededOn(sv.id);
      const seen = new Set<string>();
      const rows = [];
      for (const e of evals) {
        if (seen.has(e.modelVersionId) || !canSee(principal, e.modelVersion.model)) continue;
        seen.add(e.modelVersionId);
        const metrics = Object.fromEntries(e.metrics.map((m) => [m.metricId, m.value]));
        const primary = metrics[sv.primaryMetric];
        if (primary === undefined) continue;
        rows.push({
          primary,
          model: { id: e.modelVersion.model.id, name: e.modelVersion.model.name, owner: e.modelVersion.model.owner, kind: e.modelVersion.model.kind },
          modelVersion: e.modelVersion.version,
          modelVersionId: e.modelVersionId,
          evaluationId: e.id,
          metrics,
          intervals: Object.fromEntries(e.metrics.filter((m) => m.intervalLow != null && m.intervalHigh != null).map((m) => [m.metricId, [m.intervalLow, m.intervalHigh]])),
          finishedAt: e.finishedAt,
          trigger: e.trigger,
          /** Set when the latest (re-)evaluation moved the primary metric beyond the suite's tolerance. */
          drift: e.drift == null ? null : { relativeChange: e.drift, flagged: e.driftFlagged },
          protocol: (e.provenance as { protocol?: unknown } | null)?.protocol ?? null,
        });
      }
      rows.sort((a, b) => (a.finishedAt?.getTime() ?? 0) - (b.finishedAt?.getTime() ?? 0));
      boards.push({
        suite: { id: sv.suiteId, version: sv.version, task: sv.task, resolution: sv.resolution, primaryMetric: sv.primaryMetric, higherIsBetter: sv.higherIsBetter },
        entries: rankRows(rows, sv.higherIsBetter).map(({ primary: _p, ...r }) => r),
      });
    }
    return { boards };
  }
}
