import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';

@Injectable()
export class LeaderboardRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** Suite versions matching the filter, newest version of each suite first. `protocol`: a segmentation suite's matching protocol. */
  suiteVersions(filter: { task?: string; resolution?: number; suiteId?: string; protocol?: string }) {
    return this.prisma.suiteVersion.findMany({
      where: {
        task: filter.task,
        resolution: filter.resolution,
        suiteId: filter.suiteId,
        // The stored definition (column `protocol`) holds the segmentation suite's own `protocol` field.
        ...(filter.protocol ? { protocol: { path: ['protocol'], equals: filter.protocol } } : {}),
      },
      orderBy: [{ suiteId: 'asc' }, { version: 'desc' }],
    });
  }

  /**
   * Each model version's latest successful evaluation on a suite version, with its metrics, in one query
   * (DISTINCT ON over the (suite_version_id, status) index). `viewer`: 'all' (admin), an owner name
   * (public entries and theirs), or null (public entries only).
   */
  latestSucceeded(suiteVersionId: string, viewer: 'all' | string | null) {
    return this.prisma.$queryRaw<LeaderboardRow[]>`
      WITH latest AS (
        SELECT DISTINCT ON (e.model_version_id)
          e.id, e.model_version_id, e.finished_at, e.trigger, e.drift, e.drift_flagged, e.provenance
        FROM evaluations e
        WHERE e.suite_version_id = ${suiteVersionId}::uuid AND e.status = 'succeeded'
        ORDER BY e.model_version_id, e.finished_at DESC
      )
      SELECT
        l.id AS evaluation_id, l.model_version_id, l.finished_at, l.trigger::text AS trigger, l.drift, l.drift_flagged,
        l.provenance -> 'protocol' AS protocol, mv.version AS model_version,
        m.id AS model_id, m.name AS model_name, m.owner AS model_owner, m.kind::text AS model_kind,
        COALESCE(mt.metrics, '[]'::json) AS metrics
      FROM latest l
      JOIN model_versions mv ON mv.id = l.model_version_id
      JOIN models m ON m.id = mv.model_id
      LEFT JOIN LATERAL (
        SELECT json_agg(json_build_object('id', v.metric_id, 'value', v.value, 'lo', v.interval_low, 'hi', v.interval_high)) AS metrics
        FROM metric_values v WHERE v.evaluation_id = l.id
      ) mt ON true
      WHERE ${viewer === 'all'} OR m.visibility = 'public' OR m.owner = ${viewer ?? ''}`;
  }
}

export interface LeaderboardRow {
  evaluation_id: string;
  model_version_id: string;
  finished_at: Date | null;
  trigger: string;
  drift: number | null;
  drift_flagged: boolean;
  protocol: unknown;
  model_version: number;
  model_id: string;
  model_name: string;
  model_owner: string;
  model_kind: string;
  metrics: Array<{ id: string; value: number; lo: number | null; hi: number | null }>;
}
