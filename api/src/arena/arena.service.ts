import { createHash, randomBytes, randomInt } from 'node:crypto';
import {
  ConflictException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  UnauthorizedException,
} from '@nestjs/common';
import { z } from 'zod';
import { isMetricId, metricInfo } from '../../../contracts/metrics/registry.js';
import { ArtifactStore } from '../artifacts/artifact-store.js';
import { APP_CONFIG, type AppConfig, type ArenaConfig } from '../config/config.js';
import type { Principal } from '../auth/tokens.service.js';
import { Prisma } from '../generated/prisma/client.js';
import { ArenaRepository } from './arena.repository.js';
import { ARENA_SESSION_HEADER, ArenaSessionToken, type BoardView, StoredAgreement, StoredEntry, type VoteBody } from './arena.schemas.js';
import { ARENA_ALGORITHM, type ArenaVoteInput, rateArena } from './rating/arena-rating.js';
import { arenaStanding, compareStandings } from './rating/standing.js';

/** Stored beside a metric as its uncertainty, never a ranking of models (contracts/metrics/registry.ts). */
const NOT_A_RANKING = new Set(['kid_std']);

const SuiteFacts = z.looseObject({ samples: z.number().int(), metrics: z.array(z.string()) });

/** A kept sample's condition as a key: JSON with sorted object keys, so equal conditions read equal. */
export function conditionKey(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(conditionKey).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${conditionKey((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** The indices two players may be compared on: both kept that index for the same condition (class label or prompt). */
export function sharedIndices(a: ReadonlyMap<number, string>, b: ReadonlyMap<number, string>): number[] {
  return [...a.entries()]
    .filter(([i, key]) => b.get(i) === key)
    .map(([i]) => i)
    .sort((x, y) => x - y);
}

/**
 * How informative a pair of models is: exp(−|Δrating| / closeness) / (1 + votes already on the pair)^repeatPenalty,
 * so models close in rating and little compared are drawn most (GENBENCH_ARENA_PAIR_CLOSENESS, _REPEAT_PENALTY).
 */
export function pairWeight(ratingGap: number, votesOnPair: number, c: Pick<ArenaConfig, 'pairCloseness' | 'pairRepeatPenalty'>): number {
  return Math.exp(-Math.abs(ratingGap) / c.pairCloseness) / (1 + votesOnPair) ** c.pairRepeatPenalty;
}

@Injectable()
export class ArenaService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('arena');
  private timer: NodeJS.Timeout | undefined;
  private readonly settings: ArenaConfig;
  private readonly scheduler: boolean;

  constructor(
    @Inject(ArenaRepository) private readonly arena: ArenaRepository,
    @Inject(ArtifactStore) private readonly store: ArtifactStore,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.settings = config.arena;
    this.scheduler = config.scheduler;
  }

  /**
   * The arena's own schedule: every GENBENCH_ARENA_RECOMPUTE_INTERVAL_S, ratings are brought up to date with the
   * votes (a new version only where they changed), on processes that fire schedules. Two processes racing to
   * store the same version meet the unique (suite version, version) row: one stores it, the other logs.
   */
  onApplicationBootstrap(): void {
    if (!this.scheduler || this.settings.recomputeIntervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.recompute(undefined, { onlyIfChanged: true }).catch((err: unknown) =>
        this.log.warn(`arena ratings not recomputed: ${(err as Error).message}`),
      );
    }, this.settings.recomputeIntervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async createSession() {
    const token = `gb_arena_${randomBytes(24).toString('base64url')}`;
    await this.arena.createSession(sha256(token));
    return { token, header: ARENA_SESSION_HEADER };
  }

  /** The voter: a signed-in token (`token:<id>`), else an anonymous session (`session:<id>`); neither is 401. */
  async voterOf(principal: Principal | undefined, sessionHeader: string | undefined): Promise<string> {
    if (principal) return `token:${principal.tokenId}`;
    if (sessionHeader === undefined)
      throw new UnauthorizedException(
        `voting needs a voter: a token ("Authorization: Bearer <token>") or an arena session ("${ARENA_SESSION_HEADER}" from POST /api/arena/sessions)`,
      );
    if (!ArenaSessionToken.safeParse(sessionHeader).success) throw new UnauthorizedException('the arena session token is malformed');
    const session = await this.arena.findSession(sha256(sessionHeader));
    if (!session) throw new UnauthorizedException('unknown arena session: create one with POST /api/arena/sessions');
    return `session:${session.id}`;
  }

  /** An informative pair for `voter`: two public models close in rating and little compared, at a sample index the voter has not judged for them. */
  async nextPair(voter: string, suiteId: string) {
    const sv = await this.arena.newestSuiteVersion(suiteId);
    if (!sv) throw new NotFoundException(`no suite ${suiteId}`);
    // One evaluation per model version: its newest with kept samples (evaluation_samples), and which indices it kept.
    const byVersion = new Map<string, { id: string; modelVersionId: string; kept: Map<number, string> }>();
    for (const e of await this.arena.showableEvaluations(sv.id))
      if (!byVersion.has(e.modelVersionId))
        byVersion.set(e.modelVersionId, {
          id: e.id,
          modelVersionId: e.modelVersionId,
          kept: new Map(e.samples.map((k) => [k.sampleIndex, conditionKey(k.condition)])),
        });
    const players = [...byVersion.values()];
    if (players.length < 2)
      throw new NotFoundException(`suite ${suiteId} v${sv.version} has fewer than two public models with stored samples to compare`);

    const ratings = new Map<string, number>();
    const latest = await this.arena.latestRating(sv.id);
    for (const e of z
      .array(StoredEntry)
      .catch([])
      .parse(latest?.entries ?? []))
      ratings.set(e.modelVersionId, e.rating);
    const judged = new Map<string, Set<number>>();
    for (const v of await this.arena.votesOfVoter(voter, sv.id)) {
      const key = `${v.evaluationLowId}|${v.evaluationHighId}`;
      if (!judged.has(key)) judged.set(key, new Set());
      judged.get(key)!.add(v.sampleIndex);
    }
    const counted = new Map<string, number>();
    for (const v of await this.arena.countedVotes(sv.id)) {
      const key = pairKey(v.pair.leftEvaluation.modelVersionId, v.pair.rightEvaluation.modelVersionId);
      counted.set(key, (counted.get(key) ?? 0) + 1);
    }
    const candidates: Array<{ a: (typeof players)[number]; b: (typeof players)[number]; weight: number; free: number[] }> = [];
    for (let i = 0; i < players.length; i++)
      for (let j = i + 1; j < players.length; j++) {
        const [a, b] = [players[i], players[j]];
        const [low, high] = a.id < b.id ? [a.id, b.id] : [b.id, a.id];
        const done = judged.get(`${low}|${high}`) ?? new Set<number>();
        // Indices both kept (the same class label or prompt and seed), in order, that this voter has not judged.
        const free = sharedIndices(a.kept, b.kept).filter((k) => !done.has(k));
        if (free.length === 0) continue;
        const gap = (ratings.get(a.modelVersionId) ?? 1000) - (ratings.get(b.modelVersionId) ?? 1000);
        const weight = pairWeight(gap, counted.get(pairKey(a.modelVersionId, b.modelVersionId)) ?? 0, this.settings);
        candidates.push({ a, b, weight, free });
      }
    if (candidates.length === 0) throw new NotFoundException(`you have judged every pair of samples on suite ${suiteId}; thank you`);
    // A weighted draw (not the argmax), so every pair keeps some chance and no voter can steer which they get.
    const total = candidates.reduce((s, c) => s + c.weight, 0);
    let r = (randomInt(0, 2 ** 48 - 1) / 2 ** 48) * total;
    const pick = candidates.find((c) => (r -= c.weight) < 0) ?? candidates[candidates.length - 1];
    const sampleIndex = pick.free[randomInt(0, pick.free.length)];
    const [left, right] = randomInt(0, 2) === 0 ? [pick.a, pick.b] : [pick.b, pick.a];
    const pair = await this.arena.createPair({
      voter,
      suiteVersionId: sv.id,
      sampleIndex,
      leftEvaluationId: left.id,
      rightEvaluationId: right.id,
    });
    return {
      id: pair.id,
      suite: { id: suiteId, version: sv.version },
      sampleIndex,
      left: { url: `/api/arena/pairs/${pair.id}/left.png`, index: sampleIndex },
      right: { url: `/api/arena/pairs/${pair.id}/right.png`, index: sampleIndex },
    };
  }

  /**
   * The kept sample of one side of a pair (a PNG, or a video's animated WebP): that model's sample at the pair's index, by a URL that names neither
   * model nor evaluation. Only public versions (a version made private since reads as no pair).
   */
  async image(pairId: string, side: 'left' | 'right'): Promise<{ path: string; mediaType: string }> {
    const pair = await this.arena.findPair(pairId);
    const e = pair && (side === 'left' ? pair.leftEvaluation : pair.rightEvaluation);
    if (!pair || !e || e.modelVersion.visibility !== 'public') throw new NotFoundException(`no arena pair ${pairId}`);
    const kept = await this.arena.keptSample(e.id, pair.sampleIndex);
    if (!kept || !(await this.store.has(kept.imageSha256))) throw new NotFoundException(`no arena pair ${pairId}`);
    // A video suite's kept samples are animated WebPs: served as what they are.
    return { path: this.store.pathFor(kept.imageSha256), mediaType: kept.mediaType };
  }

  async vote(voter: string, pairId: string, body: VoteBody) {
    const pair = await this.arena.findPair(pairId);
    // Another voter's pair reads as unknown: pair ids are handed to one voter.
    if (!pair || pair.voter !== voter)
      throw new NotFoundException(`no arena pair ${pairId} for you: ask for one with POST /api/arena/pairs`);
    const limit = this.settings.votesPerMinute;
    if (limit > 0 && (await this.arena.votesSince(voter, new Date(Date.now() - 60_000))) >= limit)
      throw new HttpException(`too many votes: at most ${limit} a minute per voter`, HttpStatus.TOO_MANY_REQUESTS);
    const [low, high] =
      pair.leftEvaluationId < pair.rightEvaluationId
        ? [pair.leftEvaluationId, pair.rightEvaluationId]
        : [pair.rightEvaluationId, pair.leftEvaluationId];
    try {
      const vote = await this.arena.createVote({
        pairId,
        voter,
        suiteVersionId: pair.suiteVersionId,
        sampleIndex: pair.sampleIndex,
        evaluationLowId: low,
        evaluationHighId: high,
        choice: body.choice,
      });
      const reveal = (e: typeof pair.leftEvaluation) => ({
        model: e.modelVersion.model.name,
        owner: e.modelVersion.model.owner,
        version: e.modelVersion.version,
      });
      return { id: vote.id, pairId, choice: vote.choice, left: reveal(pair.leftEvaluation), right: reveal(pair.rightEvaluation) };
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')
        throw new ConflictException('you have already voted on this pair of images', { cause: err });
      throw err;
    }
  }

  async discard(voter: string) {
    const { count } = await this.arena.discardVotes(voter, new Date());
    return { voter, discarded: count };
  }

  voters() {
    return this.arena.voters();
  }

  /**
   * A new rating version for every suite version with votes (or only `suiteId`'s), from the votes counted now;
   * with `onlyIfChanged` (the scheduler), none where the counted votes are exactly the latest version's.
   */
  async recompute(suiteId?: string, opts: { onlyIfChanged?: boolean } = {}) {
    const out: Array<{ suiteId: string; suiteVersion: number; version: number; votes: number }> = [];
    for (const sv of await this.arena.suiteVersionsWithVotes(suiteId)) {
      const votes = await this.arena.countedVotes(sv.id);
      const inputs: ArenaVoteInput[] = votes.map((v) => {
        const [a, b] = [v.pair.leftEvaluation.modelVersionId, v.pair.rightEvaluation.modelVersionId];
        return { a, b, outcome: v.choice === 'left' ? 'a' : v.choice === 'right' ? 'b' : 'tie' };
      });
      const players = [...new Set(inputs.flatMap((v) => [v.a, v.b]))].sort();
      const facts = SuiteFacts.safeParse(sv.definition);
      const values = await this.arena.metricValues(sv.id, players);
      // Every automatic metric of the board: the suite's list, then any other the models' scores carry (an
      // optional extractor's FD-DINOv2, say), so no metric a board shows goes without its agreement.
      const stored = [...values.values()].flatMap((m) => [...m.keys()]).sort();
      const metricIds = [...new Set([...(facts.success ? facts.data.metrics : [sv.primaryMetric]), ...stored])]
        .filter(isMetricId)
        .filter((id) => !NOT_A_RANKING.has(id));
      const metrics = metricIds.map((metricId) => ({
        metricId,
        higherIsBetter: metricInfo(metricId).higherIsBetter,
        values: new Map(players.flatMap((p) => (values.get(p)?.has(metricId) ? [[p, values.get(p)!.get(metricId)!] as const] : []))),
      }));
      const latest = await this.arena.latestRating(sv.id);
      if (
        opts.onlyIfChanged &&
        latest &&
        sameIds(
          latest.voteIds,
          votes.map((v) => v.id),
        )
      )
        continue;
      const version = (latest?.version ?? 0) + 1;
      const seed = version; // recorded with the rating: version n is always bootstrapped with seed n
      const resamples = this.settings.resamples;
      const result = rateArena(players, inputs, metrics, { seed, resamples });
      await this.arena.createRating({
        suiteVersionId: sv.id,
        version,
        seed,
        algorithm: ARENA_ALGORITHM,
        resamples,
        voteIds: votes.map((v) => v.id),
        entries: result.ratings.map((r) => ({
          modelVersionId: r.player,
          theta: r.theta,
          rating: r.rating,
          low: r.low,
          high: r.high,
          votes: r.votes,
        })),
        agreement: result.agreement.map((a) => ({ ...a, tau: finite(a.tau), low: finite(a.low), high: finite(a.high) })),
      });
      out.push({ suiteId: sv.suiteId, suiteVersion: sv.version, version, votes: votes.length });
    }
    return { ratings: out };
  }

  /** The suite's arena board (newest suite version with a rating), public models only. */
  async board(suiteId: string, sort: 'rating' | 'votes'): Promise<BoardView> {
    const rating = await this.arena.latestRatingOfSuite(suiteId);
    const sv = rating?.suiteVersion ?? (await this.arena.newestSuiteVersion(suiteId));
    if (!sv) throw new NotFoundException(`no suite ${suiteId}`);
    const stored = z.array(StoredEntry).parse(rating?.entries ?? []);
    const versions = new Map((await this.arena.modelVersions(stored.map((e) => e.modelVersionId))).map((v) => [v.id, v]));
    const values = await this.arena.metricValues(
      sv.id,
      stored.map((e) => e.modelVersionId),
    );
    const entries = stored.flatMap((e) => {
      const v = versions.get(e.modelVersionId);
      if (!v || v.visibility !== 'public') return [];
      return [
        {
          model: v.model.name,
          owner: v.model.owner,
          version: v.version,
          ...arenaStanding(e, this.settings.minVotes),
          primaryMetric: values.get(e.modelVersionId)?.get(sv.primaryMetric) ?? null,
        },
      ];
    });
    entries.sort((a, b) => (sort === 'votes' ? b.votes - a.votes : compareStandings(a, b)));
    return {
      suite: { id: sv.suiteId, version: sv.version, primaryMetric: sv.primaryMetric },
      rating: rating
        ? {
            version: rating.version,
            algorithm: rating.algorithm,
            seed: rating.seed,
            resamples: rating.resamples,
            votes: rating.voteIds.length,
            createdAt: rating.createdAt.toISOString(),
          }
        : null,
      minVotes: this.settings.minVotes,
      entries,
      agreement: z.array(StoredAgreement).parse(rating?.agreement ?? []),
    };
  }
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
