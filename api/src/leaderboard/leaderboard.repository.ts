import { Inject, Injectable } from '@nestjs/common';
import { type Viewer, visibleVersionsSql } from '../auth/visibility.js';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';

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
        // A segmentation suite's definition holds its matching protocol.
        ...(filter.protocol ? { definition: { path: ['protocol'], equals: filter.protocol } } : {}),
      },
      orderBy: [{ suiteId: 'asc' }, { version: 'desc' }],
    });
  }

  /** The leaderboard_state counter: it changes, at commit, whenever anything a board shows changes. */
  async boardVersion(): Promise<bigint> {
    const rows = await this.prisma.$queryRaw<Array<{ version: bigint }>>`SELECT version FROM leaderboard_state WHERE id = 1`;
    return rows[0]?.version ?? 0n;
  }

  /** The entries of the suite version's latest arena rating (api/src/arena), or none. */
  async latestArenaEntries(suiteVersionId: string): Promise<unknown> {
    const r = await this.prisma.arenaRating.findFirst({
      where: { suiteVersionId },
      orderBy: { version: 'desc' },
      select: { entries: true },
    });
    return r?.entries ?? [];
  }

  /** How many entries a board has (for a page past its end, which carries no `total`). */
  async countRanked(q: BoardQuery): Promise<number> {
    const rows = await this.prisma.$queryRaw<Array<{ n: number }>>`
      WITH ${entries(q)}
      SELECT count(*)::int AS n FROM entries`;
    return rows[0]?.n ?? 0;
  }

  /**
   * One page of a board, ranked in the database (see `entries`): competition ranking ("1224", RANK()) by
   * the primary metric, ties ordered by earlier finish, `total` over the whole board. Only the page's rows
   * carry their metrics.
   */
  rankedPage(q: BoardQuery & { higherIsBetter: boolean; limit: number; offset: number }) {
    const sign = q.higherIsBetter ? -1 : 1;
    return this.prisma.$queryRaw<LeaderboardRow[]>`
      WITH ${entries(q)},
      ranked AS (
        SELECT s.*, RANK() OVER (ORDER BY s.primary_value * ${sign}) AS rank, count(*) OVER () AS total
        FROM entries s
      )
      SELECT
        r.id AS evaluation_id, r.model_version_id, r.finished_at, r.trigger::text AS trigger, r.drift, r.drift_flagged,
        r.provenance -> 'protocol' AS protocol, r.model_version, r.visibility, r.model_id, r.model_name, r.model_owner,
        r.model_kind, r.rank::int AS rank, r.total::int AS total, COALESCE(mt.metrics, '[]'::json) AS metrics
      FROM ranked r
      LEFT JOIN LATERAL (
        SELECT json_agg(json_build_object('id', v.metric_id, 'value', v.value, 'lo', v.interval_low, 'hi', v.interval_high)) AS metrics
        FROM metric_values v WHERE v.evaluation_id = r.id
      ) mt ON true
      ORDER BY r.rank, r.finished_at, r.model_version_id
      LIMIT ${q.limit} OFFSET ${q.offset}`;
  }
}

export interface BoardQuery {
  suiteVersionId: string;
  primaryMetric: string;
  viewer: Viewer;
  /** 'latest': one entry per model (its newest scored version the viewer sees); 'all': one per version. */
  versions: 'latest' | 'all';
}

/**
 * The board's entries as two CTEs, `scored` and `entries`: each model version's latest successful
 * evaluation on the suite version (DISTINCT ON over the (suite_version_id, status) index) that has the
 * primary metric, of the versions the viewer sees; then, unless every version is asked for, each model's
 * newest such version (DISTINCT ON model). The visibility filter comes before the per-model pick, so a
 * viewer who may not see v2 gets v1, never nothing and never v2.
 */
function entries(q: BoardQuery): Prisma.Sql {
  // A fixed column name, not input: one entry per version, or per model.
  const entryKey = Prisma.raw(q.versions === 'all' ? 's.model_version_id' : 's.model_id');
  return Prisma.sql`
      latest AS (
        SELECT DISTINCT ON (e.model_version_id)
          e.id, e.model_version_id, e.finished_at, e.trigger, e.drift, e.drift_flagged, e.provenance
        FROM evaluations e
        WHERE e.suite_version_id = ${q.suiteVersionId}::uuid AND e.status = 'succeeded'
        ORDER BY e.model_version_id, e.finished_at DESC
      ),
      scored AS (
        SELECT l.*, mv.version AS model_version, mv.visibility::text AS visibility, m.id AS model_id, m.name AS model_name,
               m.owner AS model_owner, m.kind::text AS model_kind, p.value AS primary_value
        FROM latest l
        JOIN model_versions mv ON mv.id = l.model_version_id
        JOIN models m ON m.id = mv.model_id
        JOIN metric_values p ON p.evaluation_id = l.id AND p.metric_id = ${q.primaryMetric}
        WHERE ${visibleVersionsSql(q.viewer)}
      ),
      entries AS (
        SELECT DISTINCT ON (${entryKey}) s.*
        FROM scored s
        ORDER BY ${entryKey}, s.model_version DESC
      )`;
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
  visibility: 'public' | 'private';
  model_id: string;
  model_name: string;
  model_owner: string;
  model_kind: string;
  metrics: Array<{ id: string; value: number; lo: number | null; hi: number | null }>;
}
