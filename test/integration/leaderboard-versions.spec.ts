import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../api/src/auth/issue-token.js';
import { SuitesService } from '../../api/src/suites/suites.service.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { defineSuite } from '../../runner/src/suites/suite.schemas.js';
import { scoreAs } from '../support/manual-runner.js';
import { type TestStack, startStack } from '../support/stack.js';

/** A board of its own (no bundled suite is 28×28), so its ranks and totals are exactly this file's. */
const SUITE = defineSuite({
  id: 'test-versions-28',
  version: 1,
  title: 'Test: one entry per model',
  description: 'registered by the leaderboard-versions tests only',
  task: 'unconditional-generation',
  resolution: 28,
  kinds: ['generator'],
  samples: 64,
  seed: 0,
  batch_size: 32,
  reference: { type: 'synthetic-shapes', n: 64, seed: 1 },
  extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: 28, normalization: 'minus-one-one' },
  metrics: ['fid'],
  primary: 'fid',
  time_limit_s: 60,
});

const manifest = (name: string) => ({
  name,
  kind: 'generator' as const,
  resolution: 28,
  classes: 0,
  inputs: { noise: 'z' },
  outputs: { images: 'images' },
  noise_dim: 16,
  output_range: [-1, 1] as [-1, 1],
});

/**
 * Submissions in order; `fid: null` = submitted but not scored yet (still queued). m3 v3 is private: an
 * anonymous board shows m3 v2, the newest version it may see, and its owner's board m3 v3.
 */
const PLAN: Array<{ model: string; fid: number | null; private?: boolean }> = [
  { model: 'm1', fid: 5 },
  { model: 'm1', fid: 3 },
  { model: 'm2', fid: 3 },
  { model: 'm3', fid: 1 },
  { model: 'm3', fid: 8 },
  { model: 'm3', fid: 0.5, private: true },
  { model: 'm4', fid: 4 },
  { model: 'm4', fid: null },
  { model: 'm5', fid: 8 },
];

describe('one entry per model on a board (?versions=latest|all)', () => {
  let stack: TestStack;
  let other: string;
  let seed = 900;

  beforeAll(async () => {
    stack = await startStack({ runners: 0 });
    await stack.app.get(SuitesService).sync([SUITE]);
    other = (await issueToken(stack.config, { name: 'other submitter', role: 'submitter', owner: `${stack.owner}-other` })).secret;
    for (const p of PLAN) {
      const form = new FormData();
      form.append('file', new Blob([buildTinyGenerator({ noiseDim: 16, resolution: 28, classes: 0, seed: seed++ })]), 'm.onnx');
      form.append('manifest', JSON.stringify(manifest(p.model)));
      form.append('visibility', p.private ? 'private' : 'public');
      const res = await fetch(`${stack.baseUrl}/api/models`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${stack.submitterToken}` },
      });
      const body = (await res.json()) as any;
      expect(res.status, JSON.stringify(body)).toBe(201);
      expect(body.evaluations.map((e: any) => e.suite.id)).toEqual([SUITE.id]);
      if (p.fid !== null) await scoreAs(stack, body.evaluations[0].id, { fid: p.fid }, { suite: { id: SUITE.id, version: 1 } });
    }
  });

  afterAll(async () => {
    await stack?.close();
  });

  async function board(query: string, token?: string): Promise<{ versions: string; total: number; rows: string[] }> {
    const res = await fetch(`${stack.baseUrl}/api/leaderboards?suite=${SUITE.id}${query}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    const body = (await res.json()) as any;
    expect(res.status, JSON.stringify(body)).toBe(200);
    const b = body.boards[0];
    return {
      versions: body.versions,
      total: b.total,
      rows: b.entries.map((e: any) => `${e.rank} ${e.model.name} v${e.modelVersion} ${e.metrics.fid}${e.visibility === 'private' ? ' private' : ''}`),
    };
  }

  // Ties keep one rank ("1224"); within a tie the earlier finish comes first (here: submission order).
  const EXPECTED = {
    anonymous: {
      latest: ['1 m1 v2 3', '1 m2 v1 3', '3 m4 v1 4', '4 m3 v2 8', '4 m5 v1 8'],
      all: ['1 m3 v1 1', '2 m1 v2 3', '2 m2 v1 3', '4 m4 v1 4', '5 m1 v1 5', '6 m3 v2 8', '6 m5 v1 8'],
    },
    owner: {
      latest: ['1 m3 v3 0.5 private', '2 m1 v2 3', '2 m2 v1 3', '4 m4 v1 4', '5 m5 v1 8'],
      all: ['1 m3 v3 0.5 private', '2 m3 v1 1', '3 m1 v2 3', '3 m2 v1 3', '5 m4 v1 4', '6 m1 v1 5', '7 m3 v2 8', '7 m5 v1 8'],
    },
  };

  it.each(['anonymous', 'other', 'owner', 'admin'] as const)('ranks, totals and pages each mode as %s', async (viewer) => {
    const token = { anonymous: undefined, other, owner: stack.submitterToken, admin: stack.adminToken }[viewer];
    const expected = EXPECTED[viewer === 'anonymous' || viewer === 'other' ? 'anonymous' : 'owner'];
    // The default is one entry per model.
    expect(await board('', token)).toEqual({ versions: 'latest', total: expected.latest.length, rows: expected.latest });
    for (const mode of ['latest', 'all'] as const) {
      const rows = expected[mode];
      const full = await board(`&versions=${mode}`, token);
      expect(full).toEqual({ versions: mode, total: rows.length, rows });
      for (const [limit, offset] of [
        [2, 0],
        [2, 1],
        [3, 3],
        [10, rows.length - 1],
      ] as const) {
        const page = await board(`&versions=${mode}&limit=${limit}&offset=${offset}`, token);
        expect(page, `${mode} limit=${limit} offset=${offset}`).toEqual({
          versions: mode,
          total: rows.length,
          rows: rows.slice(offset, offset + limit),
        });
      }
      // A page past the end still says how many entries the board has (counted the same way).
      expect(await board(`&versions=${mode}&limit=5&offset=50`, token)).toEqual({ versions: mode, total: rows.length, rows: [] });
    }
  });

  it('exports (CSV and JSON) follow the same rule, with ranks and the version of each row', async () => {
    for (const mode of ['latest', 'all'] as const) {
      const expected = EXPECTED.anonymous[mode];
      const json = (await (await fetch(`${stack.baseUrl}/api/leaderboards/export?format=json&suite=${SUITE.id}&versions=${mode}`)).json()) as any[];
      expect(json.map((r) => `${r.rank} ${r.model} v${r.model_version} ${r.fid}`)).toEqual(expected);
      const csv = await (await fetch(`${stack.baseUrl}/api/leaderboards/export?format=csv&suite=${SUITE.id}&versions=${mode}`)).text();
      const [header, ...lines] = csv.trimEnd().split('\r\n');
      const cols = header!.split(',');
      const cell = (l: string, c: string) => l.split(',')[cols.indexOf(c)];
      expect(lines.map((l) => `${cell(l, 'rank')} ${cell(l, 'model')} v${cell(l, 'model_version')} ${cell(l, 'fid')}`)).toEqual(expected);
      const owners = (await (
        await fetch(`${stack.baseUrl}/api/leaderboards/export?format=json&suite=${SUITE.id}&versions=${mode}`, {
          headers: { authorization: `Bearer ${stack.submitterToken}` },
        })
      ).json()) as any[];
      expect(owners.map((r) => `${r.rank} ${r.model} v${r.model_version} ${r.fid}`)).toEqual(
        EXPECTED.owner[mode].map((r) => r.replace(/ private$/, '')),
      );
    }
  });

  it('refuses an unknown mode with the allowed values', async () => {
    const res = await fetch(`${stack.baseUrl}/api/leaderboards?versions=newest`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(/latest.*all/);
  });

  it('keeps older versions reachable from the model page', async () => {
    const models = (await (await fetch(`${stack.baseUrl}/api/models?owner=${stack.owner}`)).json()) as any;
    const m1 = models.items.find((m: any) => m.name === 'm1');
    const detail = (await (await fetch(`${stack.baseUrl}/api/models/${m1.id}`)).json()) as any;
    expect(detail.versions.map((v: any) => [v.version, v.evaluations[0].metrics.fid])).toEqual([
      [2, 3],
      [1, 5],
    ]);
  });
});
