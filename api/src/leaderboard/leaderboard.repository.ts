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

  /** How many entries a board has (for a page past its end, which carries no `total`). */
  async countRanked(suiteVersionId: string, primaryMetric: string, viewer: 'all' | string | null): Promise<number> {
    const rows = await this.prisma.$queryRaw<Array<{ n: number }>>`
      SELECT count(DISTINCT e.model_version_id)::int AS n
      FROM evaluations e
      JOIN model_versions mv ON mv.id = e.model_version_id
      JOIN models m ON m.id = mv.model_id
      WHERE e.suite_version_id = ${suiteVersionId}::uuid AND e.status = 'succeeded'
        AND EXISTS (SELECT 1 FROM metric_values p WHERE p.evaluation_id = e.id AND p.metric_id = ${primaryMetric})
        AND (${viewer === 'all'} OR m.visibility = 'public' OR m.owner = ${viewer ?? ''})`;
    return rows[0]?.n ?? 0;
  }

  /**
   * One page of a board, ranked in the database: each model version's latest successful evaluation on the
   * suite version (DISTINCT ON over the (suite_version_id, status) index), competition ranking ("1224",
   * RANK()) by the primary metric, ties ordered by earlier finish, `total` over the whole board. Only the
   * page's rows carry their metrics. `viewer`: 'all' (admin), an owner name (public entries and theirs), or
   * null (public entries only).
   */
  rankedPage(q: {
    suiteVersionId: string;
    primaryMetric: string;
    higherIsBetter: boolean;
    viewer: 'all' | string | null;
    limit: number;
    offset: number;
  }) {
    const sign = q.higherIsBetter ? -1 : 1;
    return this.prisma.$queryRaw<LeaderboardRow[]>`
      WITH latest AS (
        SELECT DISTINCT ON (e.model_version_id)
          e.id, e.model_version_id, e.finished_at, e.trigger, e.drift, e.drift_flagged, e.provenance
        FROM evaluations e
        WHERE e.suite_version_id = ${q.suiteVersionId}::uuid AND e.status = 'succeeded'
        ORDER BY e.model_version_id, e.finished_at DESC
      ),
      scored AS (
        SELECT l.*, mv.version AS model_version, m.id AS model_id, m.name AS model_name, m.owner AS model_owner,
               m.kind::text AS model_kind, p.value AS primary_value
        FROM latest l
        JOIN model_versions mv ON mv.id = l.model_version_id
        JOIN models m ON m.id = mv.model_id
        JOIN metric_values p ON p.evaluation_id = l.id AND p.metric_id = ${q.primaryMetric}
        WHERE ${q.viewer === 'all'} OR m.visibility = 'public' OR m.owner = ${q.viewer ?? ''}
      ),
      ranked AS (
        SELECT s.*, RANK() OVER (ORDER BY s.primary_value * ${sign}) AS rank, count(*) OVER () AS total
        FROM scored s
      )
      SELECT
        r.id AS evaluation_id, r.model_version_id, r.finished_at, r.trigger::text AS trigger, r.drift, r.drift_flagged,
        r.provenance -> 'protocol' AS protocol, r.model_version, r.model_id, r.model_name, r.model_owner, r.model_kind,
        r.rank::int AS rank, r.total::int AS total, COALESCE(mt.metrics, '[]'::json) AS metrics
      FROM ranked r
      LEFT JOIN LATERAL (
        SELECT json_agg(json_build_object('id', v.metric_id, 'value', v.value, 'lo', v.interval_low, 'hi', v.interval_high)) AS metrics
        FROM metric_values v WHERE v.evaluation_id = r.id
      ) mt ON true
      ORDER BY r.rank, r.finished_at, r.model_version_id
      LIMIT ${q.limit} OFFSET ${q.offset}`;
  }
}

export interface LeaderboardRow {
  evaluation_id: string;
  rank: number;
  total: number;
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
