import { Inject, Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import { StoredEntry } from '../arena/arena.schemas.js';
import { arenaStanding, compareStandings, type Standing } from '../arena/rating/standing.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { isSegmentationSuite } from '../../../contracts/suites/segmentation-suite.schemas.js';
import { isVideoSuite } from '../../../contracts/suites/video-suite.schemas.js';
import type { SuiteDefinition } from '../../../contracts/suites/suite.schemas.js';
import type { Principal } from '../auth/tokens.service.js';
import { type Viewer, viewerOf } from '../auth/visibility.js';
import { type Rendered, SharedVersionReader, VersionedCache } from './leaderboard-cache.js';
import { LeaderboardRepository } from './leaderboard.repository.js';
import { type LeaderboardQuery, Leaderboards } from './leaderboard.schemas.js';
import { parseStoredDefinition, StoredSuiteDefinitionError } from '../suites/stored-definition.js';

/**
 * A zero-shot segmentation suite's matching protocol and K, from its stored definition; null for other
 * tasks. Each protocol is its own suite, so its entries are never ranked with another protocol's.
 */
export function segmentationInfo(definition: SuiteDefinition | null): { protocol: string | null; classes: number | null } {
  if (!definition || !isSegmentationSuite(definition)) return { protocol: null, classes: null };
  return { protocol: definition.protocol, classes: definition.classes };
}

/** A video suite's frames per video and frame rate, from its stored definition; null for other tasks. */
export function videoInfo(definition: SuiteDefinition | null): { frames: number | null; fps: number | null } {
  if (!definition || !isVideoSuite(definition)) return { frames: null, fps: null };
  return { frames: definition.frames, fps: definition.fps };
}

@Injectable()
export class LeaderboardService {
  private readonly log = new Logger('leaderboard');
  /**
   * Rendered boards per viewer and query, valid while leaderboard_state.version stays the same: storing a
   * result, changing a visibility, withdrawing or deleting a version all change it at commit (migration
   * 20261204000100_leaderboard_version), so no read is served from before a write that finished first.
   */
  private readonly cache: VersionedCache<Leaderboards>;

  /** Below this many arena votes an entry's arena standing has no rating (GENBENCH_ARENA_MIN_VOTES). */
  private readonly arenaMinVotes: number;

  constructor(
    @Inject(LeaderboardRepository) private readonly repo: LeaderboardRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.arenaMinVotes = config.arena.minVotes;
    this.cache = new VersionedCache(new SharedVersionReader(() => repo.boardVersion()));
  }

  /**
   * One board per suite (its newest version), ranked: each model's newest version the caller sees that has
   * a score there (or, with `versions=all`, every such version), by its latest successful evaluation.
   */
  async boards(q: LeaderboardQuery, principal?: Principal): Promise<Leaderboards> {
    return (await this.view(q, principal)).value;
  }

  /** The same boards, rendered once per data version and viewer (JSON body and ETag), validated against `Leaderboards`. */
  view(q: LeaderboardQuery, principal?: Principal): Promise<Rendered<Leaderboards>> {
    const viewer = viewerOf(principal);
    const key = JSON.stringify([viewer.all ? { all: true } : { owner: viewer.owner }, q]);
    return this.cache.get(key, async () => Leaderboards.parse(await this.rank(q, viewer)));
  }

  private async rank(q: LeaderboardQuery, viewer: Viewer) {
    const versions = await this.repo.suiteVersions({ task: q.task, resolution: q.resolution, suiteId: q.suite, protocol: q.protocol });
    const latest = versions.filter((v, i) => i === 0 || versions[i - 1]!.suiteId !== v.suiteId);
    const boards = [];
    for (const sv of latest) {
      const definition = this.definitionOf(sv);
      const video = videoInfo(definition);
      if (q.frames !== undefined && video.frames !== q.frames) continue;
      const board = { suiteVersionId: sv.id, primaryMetric: sv.primaryMetric, viewer, versions: q.versions };
      // By arena rating the whole board is ranked first (in metric order, which breaks ties), then ordered here.
      const byArena = q.sort === 'arena';
      const window = byArena ? { limit: 1_000_000, offset: 0 } : { limit: q.limit, offset: q.offset };
      const rows = await this.repo.rankedPage({ ...board, higherIsBetter: sv.higherIsBetter, ...window });
      const arena = new Map<string, Standing>(
        z
          .array(StoredEntry)
          .catch([])
          .parse(await this.repo.latestArenaEntries(sv.id))
          .map((e) => [e.modelVersionId, arenaStanding(e, this.arenaMinVotes)]),
      );
      const all = rows.map((e) => ({
        rank: e.rank,
        model: { id: e.model_id, name: e.model_name, owner: e.model_owner, kind: e.model_kind },
        modelVersion: e.model_version,
        modelVersionId: e.model_version_id,
        /** The version's own visibility: private rows are shown to their owner and admins only. */
        visibility: e.visibility,
        evaluationId: e.evaluation_id,
        metrics: Object.fromEntries(e.metrics.map((m) => [m.id, m.value])),
        intervals: Object.fromEntries(e.metrics.filter((m) => m.lo != null && m.hi != null).map((m) => [m.id, [m.lo, m.hi]])),
        finishedAt: e.finished_at,
        trigger: e.trigger,
        /** Set when the latest (re-)evaluation moved the primary metric beyond the suite's tolerance. */
        drift: e.drift == null ? null : { relativeChange: e.drift, flagged: e.drift_flagged },
        protocol: e.protocol ?? null,
        arena: arena.get(e.model_version_id) ?? null,
      }));
      const entries = byArena ? all.sort((a, b) => compareStandings(a.arena, b.arena)).slice(q.offset, q.offset + q.limit) : all;
      const total = byArena ? rows.length : (rows[0]?.total ?? (q.offset > 0 ? await this.repo.countRanked(board) : 0));
      boards.push({
        suite: {
          id: sv.suiteId,
          version: sv.version,
          task: sv.task,
          resolution: sv.resolution,
          primaryMetric: sv.primaryMetric,
          higherIsBetter: sv.higherIsBetter,
          ...segmentationInfo(definition),
          ...(video.frames !== null ? video : {}),
        },
        total,
        entries,
      });
    }
    return { versions: q.versions, boards };
  }

  /**
   * A board still shows the ranks of a suite version whose stored definition no longer validates (its
   * columns say what it ranks); only the segmentation details, read from the definition, are left out.
   */
  private definitionOf(row: { suiteId: string; version: number; definition: unknown }): SuiteDefinition | null {
    try {
      return parseStoredDefinition(row);
    } catch (err) {
      if (!(err instanceof StoredSuiteDefinitionError)) throw err;
      this.log.error(err.message);
      return null;
    }
  }
}
