import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../api/src/auth/issue-token.js';
import { exampleManifest } from '../../benchmarks/smoke/example-models.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { scoreAs } from '../support/manual-runner.js';
import { migratedScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { type TestStack, startStack } from '../support/stack.js';

/**
 * Visibility belongs to each version, as its submitter chose it (README, "Security"). Four viewers read
 * every GET endpoint of the API over a mix of private and public versions of several models, owned by two
 * submitters, and see exactly what they may: anonymous and another submitter the public versions; the owner
 * theirs too; an admin everything.
 */

type Vis = 'public' | 'private';
/** model → its versions in submission order; `undefined` = the submission sent no visibility (the default). */
const PLAN: Record<string, { owner: 'a' | 'b'; versions: Array<{ vis: Vis | undefined; fid: number }> }> = {
  // v1 private, then v2 without `visibility`: v1 must stay private (it became public before).
  alpha: {
    owner: 'a',
    versions: [
      { vis: 'private', fid: 10 },
      { vis: undefined, fid: 20 },
    ],
  },
  // v1 public, then v2 private: v1 must stay public (it was hidden before).
  beta: {
    owner: 'a',
    versions: [
      { vis: 'public', fid: 30 },
      { vis: 'private', fid: 5 },
    ],
  },
  // Only private versions: not found to others.
  gamma: { owner: 'a', versions: [{ vis: 'private', fid: 1 }] },
  delta: {
    owner: 'b',
    versions: [
      { vis: 'public', fid: 40 },
      { vis: 'private', fid: 15 },
    ],
  },
};

type ViewerName = 'anonymous' | 'other' | 'owner' | 'admin';
const VIEWERS: ViewerName[] = ['anonymous', 'other', 'owner', 'admin'];

interface Version {
  model: string;
  owner: string;
  modelId: string;
  version: number;
  vis: Vis;
  fid: number;
  evaluationIds: string[];
  /** The smoke-32 evaluation, scored with `fid` and given a sample grid. */
  scoredId: string;
}

describe('visibility per version, on every read endpoint', () => {
  let stack: TestStack;
  let scratch: ScratchDatabase | undefined;
  let ownerB: string;
  const tokens: Record<ViewerName, string | undefined> = { anonymous: undefined, other: undefined, owner: undefined, admin: undefined };
  const versions: Version[] = [];
  let seed = 500;

  async function submit(token: string, name: string, visibility: Vis | undefined) {
    const form = new FormData();
    form.append('file', new Blob([buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: seed++ })]), 'model.onnx');
    form.append('manifest', JSON.stringify(exampleManifest(name)));
    if (visibility) form.append('visibility', visibility);
    const res = await fetch(`${stack.baseUrl}/api/models`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as any;
    expect(res.status, JSON.stringify(body)).toBe(201);
    return body;
  }

  beforeAll(async () => {
    // A database of its own: the arena pairs every public model of a board, so other files' models would join its pairs.
    scratch = await migratedScratchDatabase('visibility');
    stack = await startStack({ runners: 0, databaseUrl: scratch.url });
    ownerB = `${stack.owner}-b`;
    // The "other" viewer is submitter b: the owner of delta, a stranger to a's models.
    const b = await issueToken(stack.config, { name: 'submitter b', role: 'submitter', owner: ownerB });
    tokens.other = b.secret;
    tokens.owner = stack.submitterToken;
    tokens.admin = stack.adminToken;
    for (const [model, plan] of Object.entries(PLAN)) {
      for (const v of plan.versions) {
        const body = await submit(plan.owner === 'a' ? stack.submitterToken : b.secret, model, v.vis);
        const scored = body.evaluations.find((e: any) => e.suite.id === 'smoke-32');
        expect(scored, JSON.stringify(body.evaluations)).toBeDefined();
        await scoreAs(stack, scored.id, { fid: v.fid }, { grid: true, kept: 4 });
        versions.push({
          model,
          owner: plan.owner === 'a' ? stack.owner : ownerB,
          modelId: body.model.id,
          version: body.version.version,
          vis: v.vis ?? 'public',
          fid: v.fid,
          evaluationIds: body.evaluations.map((e: any) => e.id),
          scoredId: scored.id,
        });
      }
    }
  });

  afterAll(async () => {
    await stack?.close();
    await scratch?.drop();
  });

  const mine = (owner: string) => owner === stack.owner || owner === ownerB;

  /** Who may see a version, written out independently of the API's rule. */
  function sees(viewer: ViewerName, v: Version): boolean {
    if (v.vis === 'public' || viewer === 'admin') return true;
    if (viewer === 'owner') return v.owner === stack.owner;
    if (viewer === 'other') return v.owner === ownerB;
    return false;
  }
  const visible = (viewer: ViewerName) => versions.filter((v) => sees(viewer, v));
  const key = (model: string, version: number) => `${model} v${version}`;
  const keys = (vs: Array<{ model: string; version: number }>) => vs.map((v) => key(v.model, v.version)).sort();
  /** Per model, the newest version the viewer sees. */
  const latestVisible = (viewer: ViewerName) => {
    const best = new Map<string, Version>();
    for (const v of visible(viewer)) if ((best.get(v.model)?.version ?? 0) < v.version) best.set(v.model, v);
    return [...best.values()];
  };

  async function get(path: string, viewer: ViewerName): Promise<Response> {
    const t = tokens[viewer];
    return fetch(`${stack.baseUrl}${path}`, { headers: t ? { authorization: `Bearer ${t}` } : {} });
  }
  async function json(path: string, viewer: ViewerName): Promise<any> {
    const res = await get(path, viewer);
    const text = await res.text();
    expect(res.status, `${viewer} GET ${path}: ${text}`).toBe(200);
    return JSON.parse(text);
  }
  /** Text of the private model names nobody but their owner and admins may read. */
  const privateOnly = (viewer: ViewerName) =>
    [...new Set(versions.map((v) => v.model))].filter((m) => !visible(viewer).some((v) => v.model === m));

  it('the submissions kept their own visibility (alpha v2 sent none: public; alpha v1 stays private)', () => {
    expect(versions.map((v) => `${key(v.model, v.version)} ${v.vis}`)).toEqual([
      'alpha v1 private',
      'alpha v2 public',
      'beta v1 public',
      'beta v2 private',
      'gamma v1 private',
      'delta v1 public',
      'delta v2 private',
    ]);
  });

  it.each(VIEWERS)('GET /api/leaderboards and its export (CSV and JSON), both modes, as %s', async (viewer) => {
    // By default one entry per model: its newest version this viewer sees (anonymous: beta v1, not nothing).
    const latest = await json('/api/leaderboards?suite=smoke-32&limit=1000', viewer);
    const entriesLatest = latest.boards[0].entries.filter((e: any) => mine(e.model.owner));
    expect(keys(entriesLatest.map((e: any) => ({ model: e.model.name, version: e.modelVersion })))).toEqual(keys(latestVisible(viewer)));

    const all = await json('/api/leaderboards?suite=smoke-32&versions=all&limit=1000', viewer);
    const entriesAll = all.boards[0].entries.filter((e: any) => mine(e.model.owner));
    expect(keys(entriesAll.map((e: any) => ({ model: e.model.name, version: e.modelVersion })))).toEqual(keys(visible(viewer)));
    for (const e of entriesAll) {
      const v = versions.find((x) => x.model === e.model.name && x.version === e.modelVersion)!;
      expect(e.visibility).toBe(v.vis);
      expect(e.metrics.fid).toBe(v.fid);
      expect(e.evaluationId).toBe(v.scoredId);
    }
    for (const mode of ['all', 'latest'] as const) {
      const expected = keys(mode === 'all' ? visible(viewer) : latestVisible(viewer));
      const rows = (await json(`/api/leaderboards/export?format=json&suite=smoke-32&versions=${mode}`, viewer)) as any[];
      expect(keys(rows.filter((r) => mine(r.owner)).map((r) => ({ model: r.model, version: r.model_version })))).toEqual(expected);
      const csv = await get(`/api/leaderboards/export?format=csv&suite=smoke-32&versions=${mode}`, viewer);
      expect(csv.status).toBe(200);
      const lines = (await csv.text()).trimEnd().split('\r\n');
      const cols = lines[0]!.split(',');
      const at = (line: string, col: string) => line.split(',')[cols.indexOf(col)]!;
      const csvRows = lines.slice(1).filter((l) => mine(at(l, 'owner')));
      expect(keys(csvRows.map((l) => ({ model: at(l, 'model'), version: Number(at(l, 'model_version')) })))).toEqual(expected);
    }
    // The task/resolution view (the dashboard's default) holds the same rows.
    const byTask = await json('/api/leaderboards?task=unconditional-generation&resolution=32&versions=all&limit=1000', viewer);
    const smoke = byTask.boards.find((b: any) => b.suite.id === 'smoke-32');
    expect(smoke.entries.filter((e: any) => mine(e.model.owner)).length).toBe(visible(viewer).length);
    for (const m of privateOnly(viewer)) expect(JSON.stringify(byTask)).not.toContain(`"${m}"`);
  });

  it.each(VIEWERS)('GET /api/models and /api/models/:id as %s', async (viewer) => {
    for (const owner of [stack.owner, ownerB]) {
      const list = await json(`/api/models?owner=${owner}&limit=500`, viewer);
      const expected = latestVisible(viewer).filter((v) => v.owner === owner);
      expect(list.total).toBe(expected.length);
      expect(list.items.map((m: any) => `${m.name} v${m.latestVersion}`).sort()).toEqual(keys(expected));
      for (const m of list.items) {
        const seen = visible(viewer).filter((v) => v.model === m.name);
        expect(m.visibility).toBe(seen.some((v) => v.vis === 'public') ? 'public' : 'private');
      }
    }
    const unfiltered = await json('/api/models?limit=500', viewer);
    for (const m of privateOnly(viewer)) expect(unfiltered.items.map((x: any) => x.name)).not.toContain(m);

    for (const model of Object.keys(PLAN)) {
      const id = versions.find((v) => v.model === model)!.modelId;
      const seen = visible(viewer).filter((v) => v.model === model);
      const res = await get(`/api/models/${id}`, viewer);
      const body = (await res.json()) as any;
      if (seen.length === 0) {
        expect(res.status, `${viewer} reads model ${model}`).toBe(404);
        expect(body.message).toMatch(/not found or private/);
        expect(JSON.stringify(body)).not.toContain(model);
        continue;
      }
      expect(res.status, `${viewer} reads model ${model}`).toBe(200);
      expect(body.versions.map((v: any) => `${v.version} ${v.visibility}`)).toEqual(seen.map((v) => `${v.version} ${v.vis}`).reverse());
      // The metric history and evaluation table of the model page come from these evaluations.
      const evals = body.versions.flatMap((v: any) => v.evaluations.map((e: any) => e.id)).sort();
      expect(evals).toEqual(seen.flatMap((v) => v.evaluationIds).sort());
    }
  });

  it.each(VIEWERS)('GET /api/evaluations (every filter, compare ids), /:id and /:id/samples.png as %s', async (viewer) => {
    const allIds = versions.flatMap((v) => v.evaluationIds);
    const expectedIds = visible(viewer)
      .flatMap((v) => v.evaluationIds)
      .sort();
    const listed = (body: any) =>
      body.items
        .map((e: any) => e.id)
        .filter((id: string) => allIds.includes(id))
        .sort();
    // The compare page reads its entries by id.
    const byIds = await json(`/api/evaluations?ids=${allIds.join(',')}&limit=100`, viewer);
    expect(listed(byIds)).toEqual(expectedIds);
    expect(byIds.total).toBe(expectedIds.length);
    for (const owner of [stack.owner, ownerB]) {
      const byOwner = await json(`/api/evaluations?owner=${owner}&limit=500`, viewer);
      const expected = visible(viewer)
        .filter((v) => v.owner === owner)
        .flatMap((v) => v.evaluationIds)
        .sort();
      expect(listed(byOwner)).toEqual(expected);
      expect(byOwner.total).toBe(expected.length);
    }
    for (const model of Object.keys(PLAN)) {
      const id = versions.find((v) => v.model === model)!.modelId;
      const expected = visible(viewer)
        .filter((v) => v.model === model)
        .flatMap((v) => v.evaluationIds)
        .sort();
      const byModel = await json(`/api/evaluations?modelId=${id}&limit=500`, viewer);
      expect(listed(byModel)).toEqual(expected);
      const byStatus = await json(`/api/evaluations?modelId=${id}&status=succeeded&suiteId=smoke-32&trigger=submit&limit=500`, viewer);
      expect(listed(byStatus)).toEqual(
        visible(viewer)
          .filter((v) => v.model === model)
          .map((v) => v.scoredId)
          .sort(),
      );
    }
    const unfiltered = await json('/api/evaluations?limit=500', viewer);
    expect(listed(unfiltered)).toEqual(expectedIds);

    for (const v of versions) {
      const one = await get(`/api/evaluations/${v.scoredId}`, viewer);
      const grid = await get(`/api/evaluations/${v.scoredId}/samples.png`, viewer);
      if (sees(viewer, v)) {
        expect(one.status, `${viewer} reads ${key(v.model, v.version)}`).toBe(200);
        const e = (await one.json()) as any;
        expect(e.model).toMatchObject({ name: v.model, version: v.version, visibility: v.vis });
        expect(grid.status).toBe(200);
        expect(grid.headers.get('content-type')).toBe('image/png');
      } else {
        expect(one.status, `${viewer} reads ${key(v.model, v.version)}`).toBe(404);
        const text = await one.text();
        expect(text).toMatch(/not found or private/);
        expect(text).not.toContain(v.model);
        expect(grid.status).toBe(404);
      }
    }
  });

  it.each(VIEWERS)('the other GET endpoints say nothing of private versions, or refuse, as %s', async (viewer) => {
    const hidden = privateOnly(viewer);
    const reads = [
      '/api/suites',
      '/api/suites/smoke-32',
      '/api/suites/smoke-t2i-32/prompts',
      '/api/metrics',
      '/api/health',
      '/api/auth/whoami',
    ];
    for (const path of reads) {
      const res = await get(path, viewer);
      const text = await res.text();
      if (path === '/api/auth/whoami' && viewer === 'anonymous') expect(res.status).toBe(401);
      else expect([200, 503], `${viewer} GET ${path}: ${text}`).toContain(res.status);
      for (const m of hidden) expect(text).not.toContain(`"${m}"`);
    }
    // Admin-only and runner-only reads.
    for (const path of ['/api/admin/tokens', '/api/schedules']) {
      expect((await get(path, viewer)).status, `${viewer} GET ${path}`).toBe(viewer === 'admin' ? 200 : viewer === 'anonymous' ? 401 : 403);
    }
    const sha = (await readdir(stack.config.artifactDir)).find((f) => /^[0-9a-f]{64}$/.test(f));
    if (sha) expect((await get(`/api/runner/artifacts/${sha}`, viewer)).status).toBe(viewer === 'anonymous' ? 401 : 403);
  });

  it('the arena shows every viewer, its owner and admins included, public versions only: in pairs, their images, and on the board', async () => {
    const shown = new Set<string>();
    for (const viewer of VIEWERS) {
      const t = tokens[viewer];
      let headers: Record<string, string>;
      if (t) headers = { authorization: `Bearer ${t}` };
      else {
        const s = await fetch(`${stack.baseUrl}/api/arena/sessions`, { method: 'POST' });
        headers = { 'x-arena-session': ((await s.json()) as any).token };
      }
      for (let k = 0; k < 8; k++) {
        const res = await fetch(`${stack.baseUrl}/api/arena/pairs`, {
          method: 'POST',
          body: JSON.stringify({ suiteId: 'smoke-32' }),
          headers: { ...headers, 'content-type': 'application/json' },
        });
        const pair = (await res.json()) as any;
        expect(res.status, JSON.stringify(pair)).toBe(201);
        for (const side of ['left', 'right']) expect((await get(`/api/arena/pairs/${pair.id}/${side}.png`, viewer)).status).toBe(200);
        const vote = await fetch(`${stack.baseUrl}/api/arena/pairs/${pair.id}/vote`, {
          method: 'POST',
          body: JSON.stringify({ choice: 'tie' }),
          headers: { ...headers, 'content-type': 'application/json' },
        });
        const revealed = (await vote.json()) as any;
        expect(vote.status, JSON.stringify(revealed)).toBe(201);
        for (const side of [revealed.left, revealed.right]) shown.add(key(side.model, side.version));
      }
      expect((await get('/api/arena/voters', viewer)).status).toBe(viewer === 'admin' ? 200 : viewer === 'anonymous' ? 401 : 403);
    }
    const publicKeys = keys(versions.filter((v) => v.vis === 'public'));
    expect([...shown].every((k) => publicKeys.includes(k))).toBe(true);
    const recompute = await fetch(`${stack.baseUrl}/api/arena/ratings`, {
      method: 'POST',
      body: '{}',
      headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' },
    });
    expect(recompute.status).toBe(201);
    for (const viewer of VIEWERS) {
      const board = await json('/api/arena/boards/smoke-32', viewer);
      expect(board.entries.length).toBeGreaterThan(0);
      for (const e of board.entries) expect(publicKeys).toContain(key(e.model, e.version));
    }
  });

  it('walks every GET route the controllers declare', async () => {
    const covered = new Set([
      'GET /api/leaderboards',
      'GET /api/leaderboards/export',
      'GET /api/models',
      'GET /api/models/:id',
      'GET /api/evaluations',
      'GET /api/evaluations/:id',
      'GET /api/evaluations/:id/samples.png',
      // The kept samples follow their evaluation's visibility: test/integration/evaluation-samples.spec.ts
      // checks a private version's samples answer 404 to another submitter and to anonymous readers.
      'GET /api/evaluations/:id/samples',
      'GET /api/evaluations/:id/samples/:index.png',
      // An image-conditioned sample's input and target, under the same rule: test/integration/image-conditioned.spec.ts.
      'GET /api/evaluations/:id/samples/:index/:role.png',
      // A video evaluation's animated previews: test/integration/video-previews.spec.ts checks the 404s.
      'GET /api/evaluations/:id/samples/:index.webp',
      'GET /api/suites',
      'GET /api/suites/:id',
      'GET /api/suites/:id/prompts',
      // A suite's published inputs (image-conditioned suites): suite data, public like its prompts.
      'GET /api/suites/:id/inputs',
      'GET /api/metrics',
      'GET /api/health',
      'GET /api/auth/whoami',
      'GET /api/admin/tokens',
      'GET /api/schedules',
      'GET /api/runner/artifacts/:sha256',
      'GET /api/arena/pairs/:id/left.png',
      'GET /api/arena/pairs/:id/right.png',
      'GET /api/arena/boards/:suiteId',
      'GET /api/arena/voters',
    ]);
    const declared: string[] = [];
    const root = join('api', 'src');
    for (const f of await readdir(root, { recursive: true })) {
      if (!f.endsWith('.controller.ts')) continue;
      const src = await readFile(join(root, f), 'utf8');
      const base = /@Controller\(\s*'([^']*)'/.exec(src)?.[1] ?? '';
      for (const m of src.matchAll(/@Get\(\s*(?:'([^']*)')?/g)) declared.push(`GET /${[base, m[1]].filter(Boolean).join('/')}`);
    }
    expect(declared.length).toBeGreaterThan(10);
    // A new read endpoint needs its place in this test before it ships.
    expect(declared.filter((r) => !covered.has(r))).toEqual([]);
  });
});
