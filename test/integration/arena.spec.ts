import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateArena } from '../../api/src/arena/rating/arena-rating.js';
import { PrismaService } from '../../api/src/database/prisma.service.js';
import { SchedulesService } from '../../api/src/schedules/schedules.service.js';
import { exampleManifest } from '../../benchmarks/smoke/example-models.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { scoreAs } from '../support/manual-runner.js';
import { migratedScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { type TestStack, startStack } from '../support/stack.js';

/**
 * The arena (issue #20) end to end against PostgreSQL: sessions, informative pairs of public models on the
 * same sample index, votes revealing names, abuse cases (no voter, forged or foreign pairs, double votes,
 * bad bodies, the per-voter rate) answered 4xx with nothing stored, ratings recomputed as reproducible
 * versions, the agreement of FID with a voter who prefers lower FID, and a private model never shown.
 */
describe('arena', () => {
  let stack: TestStack;
  let scratch: ScratchDatabase | undefined;
  let prisma: PrismaService;
  let session: string;
  const FID: Record<string, number> = { 'arena-a': 10, 'arena-b': 20, 'arena-c': 30 };
  // A metric outside smoke-32's list, ordering the models against FID: its agreement must still be shown, τ = −1.
  const IS: Record<string, number> = { 'arena-a': 5, 'arena-b': 10, 'arena-c': 15, 'arena-private': 1 };
  const PRIVATE = 'arena-private';
  let seed = 900;
  /** Each model's kept sample PNGs, by index (what the arena must serve for it). */
  const keptOf: Record<string, Buffer[]> = {};

  async function submit(name: string, visibility: 'public' | 'private', fid: number) {
    const form = new FormData();
    form.append('file', new Blob([buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: seed++ })]), 'model.onnx');
    form.append('manifest', JSON.stringify(exampleManifest(name)));
    form.append('visibility', visibility);
    const res = await fetch(`${stack.baseUrl}/api/models`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${stack.submitterToken}` },
    });
    const body = (await res.json()) as any;
    expect(res.status, JSON.stringify(body)).toBe(201);
    const scored = body.evaluations.find((e: any) => e.suite.id === 'smoke-32');
    // Kept samples only, no grid: the arena shows kept PNGs.
    keptOf[name] = await scoreAs(stack, scored.id, { fid, inception_score: IS[name]! }, { kept: 64 });
  }

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${stack.baseUrl}${path}`, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    });
  const asSession = (token: string) => ({ 'x-arena-session': token });
  const admin = () => ({ authorization: `Bearer ${stack.adminToken}` });
  const voteCount = () => prisma.arenaVote.count();

  async function newSession(): Promise<string> {
    const res = await post('/api/arena/sessions', {});
    expect(res.status).toBe(201);
    return ((await res.json()) as any).token;
  }
  async function pair(headers: Record<string, string>): Promise<any> {
    const res = await post('/api/arena/pairs', { suiteId: 'smoke-32' }, headers);
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    return body;
  }
  /** The names behind a pair, read from the database (the API reveals them only after the vote). */
  async function truth(pairId: string) {
    const p = await prisma.arenaPair.findUniqueOrThrow({
      where: { id: pairId },
      include: {
        leftEvaluation: { include: { modelVersion: { include: { model: true } } } },
        rightEvaluation: { include: { modelVersion: { include: { model: true } } } },
      },
    });
    return { left: p.leftEvaluation.modelVersion.model.name, right: p.rightEvaluation.modelVersion.model.name, p };
  }

  beforeAll(async () => {
    // A database of its own: the arena pairs every public model of a board, so other files' models would join its pairs.
    scratch = await migratedScratchDatabase('arena');
    // Every arena constant set through the configuration; 5 votes make a rating shown (the default 20 would need more votes).
    stack = await startStack({
      runners: 0,
      databaseUrl: scratch.url,
      config: {
        arena: { resamples: 200, minVotes: 5, votesPerMinute: 30, pairCloseness: 400, pairRepeatPenalty: 1, recomputeIntervalMs: 0 },
      },
    });
    prisma = stack.app.get(PrismaService);
    for (const [name, fid] of Object.entries(FID)) await submit(name, 'public', fid);
    await submit(PRIVATE, 'private', 1);
    session = await newSession();
  });
  afterAll(async () => {
    await stack?.close();
    await scratch?.drop();
  });

  it('refuses a pair or a vote without a voter, or with a malformed or unknown session (401), storing nothing', async () => {
    const before = await prisma.arenaPair.count();
    expect((await post('/api/arena/pairs', { suiteId: 'smoke-32' })).status).toBe(401);
    expect((await post('/api/arena/pairs', { suiteId: 'smoke-32' }, asSession('nope'))).status).toBe(401);
    expect((await post('/api/arena/pairs', { suiteId: 'smoke-32' }, asSession(`gb_arena_${'x'.repeat(32)}`))).status).toBe(401);
    expect((await post(`/api/arena/pairs/${randomUUID()}/vote`, { choice: 'left' })).status).toBe(401);
    expect(await prisma.arenaPair.count()).toBe(before);
  });

  it('answers bad bodies and ids with 4xx and stores nothing', async () => {
    const p = await pair(asSession(session));
    const votes = await voteCount();
    const pairs = await prisma.arenaPair.count();
    const bad: unknown[] = [
      '',
      'null',
      '[]',
      '{',
      '"left"',
      {},
      { choice: 'LEFT' },
      { choice: 1 },
      { choice: 'left', extra: 1 },
      { choice: null },
      { choice: 'left'.repeat(1000) },
      { choice: '\u0000' },
    ];
    for (const body of bad) {
      const res = await post(`/api/arena/pairs/${p.id}/vote`, body, asSession(session));
      expect(res.status, `vote ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `vote ${JSON.stringify(body)}`).toBeLessThan(500);
    }
    for (const body of [{}, { suiteId: 1 }, { suiteId: '' }, { suiteId: 'smoke-32', x: 1 }, '[]', 'null']) {
      const res = await post('/api/arena/pairs', body, asSession(session));
      expect(res.status, `pair ${JSON.stringify(body)}`).toBe(400);
    }
    expect((await post('/api/arena/pairs', { suiteId: 'no-such-suite' }, asSession(session))).status).toBe(404);
    expect((await post('/api/arena/pairs/not-a-uuid/vote', { choice: 'left' }, asSession(session))).status).toBe(400);
    expect((await fetch(`${stack.baseUrl}/api/arena/pairs/not-a-uuid/left.png`)).status).toBe(400);
    expect((await fetch(`${stack.baseUrl}/api/arena/pairs/${randomUUID()}/left.png`)).status).toBe(404);
    expect(await voteCount()).toBe(votes);
    expect(await prisma.arenaPair.count()).toBe(pairs);
  });

  it('shows two anonymous public models at the same sample index, reveals them after the vote, and refuses a second vote (409), a forged pair (404) and another voter’s pair (404)', async () => {
    const p = await pair(asSession(session));
    expect(JSON.stringify(p)).not.toMatch(/arena-|modelVersion|evaluation/i);
    expect(p.left.index).toBe(p.sampleIndex);
    expect(p.right.index).toBe(p.sampleIndex);
    expect(p.sampleIndex).toBeGreaterThanOrEqual(0);
    expect(p.sampleIndex).toBeLessThan(64);
    const { left, right } = await truth(p.id);
    // Each side is exactly that model's kept PNG at the pair's index, behind a URL naming neither model.
    for (const [side, name] of [
      [p.left, left],
      [p.right, right],
    ] as const) {
      const img = await fetch(`${stack.baseUrl}${side.url}`);
      expect(img.status).toBe(200);
      expect(img.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await img.arrayBuffer()).equals(keptOf[name]![p.sampleIndex]!)).toBe(true);
    }
    expect(keptOf[left]![p.sampleIndex]!.equals(keptOf[right]![p.sampleIndex]!)).toBe(false);
    const other = await newSession();
    const before = await voteCount();
    expect((await post(`/api/arena/pairs/${p.id}/vote`, { choice: 'left' }, asSession(other))).status).toBe(404);
    expect((await post(`/api/arena/pairs/${randomUUID()}/vote`, { choice: 'left' }, asSession(session))).status).toBe(404);
    expect(await voteCount()).toBe(before);

    const res = await post(`/api/arena/pairs/${p.id}/vote`, { choice: 'tie' }, asSession(session));
    const body = (await res.json()) as any;
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body.left.model).toBe(left);
    expect(body.right.model).toBe(right);
    expect(body.choice).toBe('tie');
    expect((await post(`/api/arena/pairs/${p.id}/vote`, { choice: 'left' }, asSession(session))).status).toBe(409);

    // The same two images again under a new pair id (as two tabs would hold): the unique constraint answers 409.
    const { p: row } = await truth(p.id);
    const twin = await prisma.arenaPair.create({
      data: {
        voter: row.voter,
        suiteVersionId: row.suiteVersionId,
        sampleIndex: row.sampleIndex,
        leftEvaluationId: row.rightEvaluationId,
        rightEvaluationId: row.leftEvaluationId,
      },
    });
    const again = await post(`/api/arena/pairs/${twin.id}/vote`, { choice: 'right' }, asSession(session));
    expect(again.status).toBe(409);
    expect(((await again.json()) as any).message).toMatch(/already voted/);
    expect(await voteCount()).toBe(before + 1);
  });

  it('never shows a private model, to anyone, and leaves it off the board', async () => {
    const voters = [asSession(await newSession()), { authorization: `Bearer ${stack.submitterToken}` }];
    const seen = new Set<string>();
    // Nor its kept samples: no served image is one of the private evaluation's PNGs (all distinct from the public ones).
    const privatePngs = keptOf[PRIVATE]!.map((b) => b.toString('base64'));
    const publicPngs = new Set(Object.keys(FID).flatMap((name) => keptOf[name]!.map((b) => b.toString('base64'))));
    expect(privatePngs.filter((b) => publicPngs.has(b))).toEqual([]);
    for (const headers of voters)
      for (let k = 0; k < 12; k++) {
        const p = await pair(headers);
        const { left, right } = await truth(p.id);
        seen.add(left).add(right);
        for (const side of [p.left, p.right]) {
          const served = Buffer.from(await (await fetch(`${stack.baseUrl}${side.url}`)).arrayBuffer()).toString('base64');
          expect(publicPngs.has(served)).toBe(true);
          expect(privatePngs.includes(served)).toBe(false);
        }
      }
    expect([...seen].sort()).toEqual(Object.keys(FID).sort());
  });

  it('a voter preferring lower FID moves the ratings into FID order: τ(fid) = 1, reproducible from the stored votes; the per-voter rate is enforced (429)', async () => {
    const voter = asSession(await newSession());
    for (let k = 0; k < 30; k++) {
      const p = await pair(voter);
      const { left, right } = await truth(p.id);
      const res = await post(`/api/arena/pairs/${p.id}/vote`, { choice: FID[left] < FID[right] ? 'left' : 'right' }, voter);
      expect(res.status).toBe(201);
    }
    const p = await pair(voter);
    const before = await voteCount();
    expect((await post(`/api/arena/pairs/${p.id}/vote`, { choice: 'left' }, voter)).status).toBe(429);
    expect(await voteCount()).toBe(before);

    expect((await post('/api/arena/ratings', {})).status).toBe(401);
    expect((await post('/api/arena/ratings', { suiteId: 'smoke-32' }, { authorization: `Bearer ${stack.submitterToken}` })).status).toBe(
      403,
    );
    const recomputed = await post('/api/arena/ratings', { suiteId: 'smoke-32' }, admin());
    const r = (await recomputed.json()) as any;
    expect(recomputed.status, JSON.stringify(r)).toBe(201);
    expect(r.ratings).toHaveLength(1);

    const board = (await (await fetch(`${stack.baseUrl}/api/arena/boards/smoke-32`)).json()) as any;
    expect(board.entries.map((e: any) => e.model)).toEqual(['arena-a', 'arena-b', 'arena-c']);
    for (const e of board.entries) {
      expect(e.low).toBeLessThanOrEqual(e.rating);
      expect(e.high).toBeGreaterThanOrEqual(e.rating);
      expect(e.enoughVotes).toBe(e.votes >= board.minVotes);
      expect(e.note === null).toBe(e.enoughVotes);
      expect(e.primaryMetric).toBe(FID[e.model]);
    }
    expect(board.entries.map((e: any) => e.model)).not.toContain(PRIVATE);
    const fid = board.agreement.find((a: any) => a.metricId === 'fid');
    expect(fid).toMatchObject({ n: 3, tau: 1 });
    expect(board.agreement.find((a: any) => a.metricId === 'inception_score')).toMatchObject({ n: 3, tau: -1 });
    expect(board.rating.resamples).toBe(200);
    expect(board.minVotes).toBe(5);
    expect(board.rating).toMatchObject({ seed: board.rating.version, votes: r.ratings[0].votes });
    const byVotes = (await (await fetch(`${stack.baseUrl}/api/arena/boards/smoke-32?sort=votes`)).json()) as any;
    const counts = byVotes.entries.map((e: any) => e.votes);
    expect(counts).toEqual([...counts].sort((a: number, b: number) => b - a));
    expect((await fetch(`${stack.baseUrl}/api/arena/boards/smoke-32?sort=name`)).status).toBe(400);

    // Reproducible: the stored vote ids, seed and resamples give the stored numbers again.
    const stored = await prisma.arenaRating.findFirstOrThrow({
      where: { version: board.rating.version, suiteVersion: { suiteId: 'smoke-32' } },
    });
    const votes = await prisma.arenaVote.findMany({
      where: { id: { in: stored.voteIds } },
      include: { pair: { include: { leftEvaluation: true, rightEvaluation: true } } },
    });
    const byId = new Map(votes.map((v) => [v.id, v]));
    const inputs = stored.voteIds.map((id) => {
      const v = byId.get(id)!;
      return {
        a: v.pair.leftEvaluation.modelVersionId,
        b: v.pair.rightEvaluation.modelVersionId,
        outcome: v.choice === 'left' ? ('a' as const) : v.choice === 'right' ? ('b' as const) : ('tie' as const),
      };
    });
    const players = [...new Set(inputs.flatMap((v) => [v.a, v.b]))].sort();
    const again = rateArena(players, inputs, [], { seed: stored.seed, resamples: stored.resamples });
    const entries = stored.entries as Array<{ modelVersionId: string; rating: number; low: number; high: number }>;
    for (const e of entries) {
      const mine = again.ratings.find((x) => x.player === e.modelVersionId)!;
      expect([mine.rating, mine.low, mine.high]).toEqual([e.rating, e.low, e.high]);
    }
  });

  it('an admin discards a voter’s votes: they count in no later rating', async () => {
    const voter = asSession(await newSession());
    const p = await pair(voter);
    expect((await post(`/api/arena/pairs/${p.id}/vote`, { choice: 'both_bad' }, voter)).status).toBe(201);
    const list = (await (await fetch(`${stack.baseUrl}/api/arena/voters`, { headers: admin() })).json()) as any[];
    const { p: row } = await truth(p.id);
    expect(list.find((v) => v.voter === row.voter)).toMatchObject({ votes: 1, discarded: 0 });
    expect((await post('/api/arena/voters/discard', { voter: 'nobody' }, admin())).status).toBe(400);
    expect((await post('/api/arena/voters/discard', { voter: row.voter })).status).toBe(401);
    const res = await post('/api/arena/voters/discard', { voter: row.voter }, admin());
    expect(await res.json()).toEqual({ voter: row.voter, discarded: 1 });
    const counted = await prisma.arenaVote.count({ where: { discardedAt: null } });
    const r = (await (await post('/api/arena/ratings', { suiteId: 'smoke-32' }, admin())).json()) as any;
    expect(r.ratings[0].votes).toBe(counted);
    const stored = await prisma.arenaRating.findFirstOrThrow({
      where: { version: r.ratings[0].version, suiteVersion: { suiteId: 'smoke-32' } },
    });
    const discarded = await prisma.arenaVote.findFirstOrThrow({ where: { voter: row.voter } });
    expect(stored.voteIds).not.toContain(discarded.id);
  });

  it('a schedule firing recomputes the ratings where the votes changed, and only there', async () => {
    const res = await post('/api/schedules', { name: 'arena nightly', cron: '0 0 1 1 *', scope: 'suite', suiteId: 'smoke-32' }, admin());
    const schedule = (await res.json()) as any;
    expect(res.status, JSON.stringify(schedule)).toBe(201);
    const fire = (at: number) =>
      stack.app.get(SchedulesService).onFiring({ data: { scheduleId: schedule.id }, opts: { prevMillis: at }, timestamp: at } as never);
    const latest = () =>
      prisma.arenaRating.findFirstOrThrow({ where: { suiteVersion: { suiteId: 'smoke-32' } }, orderBy: { version: 'desc' } });
    const before = await latest();
    await fire(Date.UTC(2030, 0, 1, 3));
    expect((await latest()).version).toBe(before.version); // no vote since: nothing new

    const voter = asSession(await newSession());
    const p = await pair(voter);
    expect((await post(`/api/arena/pairs/${p.id}/vote`, { choice: 'left' }, voter)).status).toBe(201);
    await fire(Date.UTC(2030, 0, 2, 3));
    const after = await latest();
    expect(after.version).toBe(before.version + 1);
    expect(after.voteIds).toHaveLength(before.voteIds.length + 1);
    expect(after.seed).toBe(after.version);
  });

  it('the main leaderboard shows each entry’s arena standing, sorts by it with sort=arena, and shows no rating below the minimum vote count', async () => {
    const boards = async (query: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${stack.baseUrl}/api/leaderboards?suite=smoke-32${query}`, { headers });
      const body = (await res.json()) as any;
      expect(res.status, JSON.stringify(body)).toBe(200);
      return body.boards[0] as { total: number; entries: any[] };
    };
    const names = (b: { entries: any[] }) => b.entries.map((e) => e.model.name);
    // Read once, so the cached board must be invalidated by the rating stored below.
    const before = await boards('');
    expect(names(before)).toEqual(['arena-a', 'arena-b', 'arena-c']);
    const arenaBoard = (await (await fetch(`${stack.baseUrl}/api/arena/boards/smoke-32`)).json()) as any;
    for (const e of before.entries) expect(e.arena.rating).toBe(arenaBoard.entries.find((x: any) => x.model === e.model.name).rating);

    // A rating version where people disagree with FID: c best, a next, b rated highest but from 2 votes only.
    const latest = await prisma.arenaRating.findFirstOrThrow({
      where: { suiteVersion: { suiteId: 'smoke-32' } },
      orderBy: { version: 'desc' },
    });
    const id = Object.fromEntries(before.entries.map((e) => [e.model.name, e.modelVersionId]));
    const entry = (name: string, rating: number, votes: number) => ({
      modelVersionId: id[name],
      theta: 0,
      rating,
      low: rating - 50,
      high: rating + 50,
      votes,
    });
    await prisma.arenaRating.create({
      data: {
        suiteVersionId: latest.suiteVersionId,
        version: latest.version + 1,
        seed: latest.version + 1,
        algorithm: latest.algorithm,
        resamples: latest.resamples,
        voteIds: latest.voteIds,
        entries: [entry('arena-c', 1300, 30), entry('arena-a', 1100, 25), entry('arena-b', 1500, 2)],
        agreement: [],
      },
    });

    const byMetric = await boards('');
    expect(names(byMetric)).toEqual(['arena-a', 'arena-b', 'arena-c']);
    expect(byMetric.entries[0].arena).toEqual({ rating: 1100, low: 1050, high: 1150, votes: 25, enoughVotes: true, note: null });
    const byArena = await boards('&sort=arena');
    expect(names(byArena)).toEqual(['arena-c', 'arena-a', 'arena-b']);
    expect(byArena.entries.map((e) => e.rank)).toEqual([3, 1, 2]); // `rank` stays the metric's
    expect(byArena.entries[2].arena).toEqual({
      rating: null,
      low: null,
      high: null,
      votes: 2,
      enoughVotes: false,
      note: 'too few votes to rate (2 < 5)',
    });
    // The export carries the same standing: rated, and too few votes (no rating, its votes counted).
    const rows = (await (await fetch(`${stack.baseUrl}/api/leaderboards/export?format=json&suite=smoke-32`)).json()) as any[];
    const row = (name: string) => rows.find((r) => r.model === name);
    expect(row('arena-a')).toMatchObject({ arena_rating: 1100, arena_rating_lo: 1050, arena_rating_hi: 1150, arena_votes: 25 });
    expect(row('arena-b')).toMatchObject({ arena_rating: null, arena_rating_lo: null, arena_rating_hi: null, arena_votes: 2 });
    const csv = await (await fetch(`${stack.baseUrl}/api/leaderboards/export?format=csv&suite=smoke-32`)).text();
    expect(csv.split('\r\n')[0]).toContain('arena_rating,arena_rating_lo,arena_rating_hi,arena_votes');
    const page = await boards('&sort=arena&limit=1&offset=1');
    expect([names(page), page.total]).toEqual([['arena-a'], 3]);
    // The owner sees their private model (best FID): the arena never rated it, so it comes last.
    const owner = await boards('&sort=arena', { authorization: `Bearer ${stack.submitterToken}` });
    expect(names(owner)).toEqual(['arena-c', 'arena-a', 'arena-b', PRIVATE]);
    expect(owner.entries[3].arena).toBeNull();
    expect((await fetch(`${stack.baseUrl}/api/leaderboards?sort=rating`)).status).toBe(400);
    // The arena's own board says the same.
    const own = (await (await fetch(`${stack.baseUrl}/api/arena/boards/smoke-32`)).json()) as any;
    expect(own.entries.map((e: any) => [e.model, e.rating])).toEqual([
      ['arena-c', 1300],
      ['arena-a', 1100],
      ['arena-b', null],
    ]);
  });
});
