import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../api/src/auth/issue-token.js';
import { SuitesService } from '../../api/src/suites/suites.service.js';
import { type TestStack, startStack } from '../support/stack.js';
import { submitVersions, versionsSuite } from '../support/versions-suite.js';

const SUITE = versionsSuite(28);

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

  beforeAll(async () => {
    stack = await startStack({ runners: 0 });
    await stack.app.get(SuitesService).sync([SUITE]);
    other = (await issueToken(stack.config, { name: 'other submitter', role: 'submitter', owner: `${stack.owner}-other` })).secret;
    await submitVersions(stack, stack.submitterToken, SUITE, PLAN, 900);
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
      rows: b.entries.map(
        (e: any) => `${e.rank} ${e.model.name} v${e.modelVersion} ${e.metrics.fid}${e.visibility === 'private' ? ' private' : ''}`,
      ),
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
      const json = (await (
        await fetch(`${stack.baseUrl}/api/leaderboards/export?format=json&suite=${SUITE.id}&versions=${mode}`)
      ).json()) as any[];
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
