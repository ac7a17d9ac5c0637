// End-to-end tests of `genbench metrics` through bin/genbench.js.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpz, writeNpz } from '../../io/npz.js';
import { CLIP_EXPECTED, clipFixture, EXPECTED, fixture, relErr } from '../../../../test/support/metric-fixtures.js';

const BIN = join(import.meta.dirname, '../../../../bin/genbench.js');
const run = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, 'metrics', ...args], { maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'genbench-metrics-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('genbench metrics', () => {
  it('--json prints exactly one JSON object with every computable metric and the protocol (case1: 1e-6 relative, PR 1e-9)', async () => {
    const c = EXPECTED.case1;
    const r = await run('--samples', fixture(c.samples), '--reference', fixture(c.reference!), '--json', '--kid-seed', '3');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]);
    expect(Object.keys(out)).toEqual([
      'fid',
      'sfid',
      'inception_score',
      'precision',
      'recall',
      'kid',
      'kid_std',
      'protocol',
      'unavailable',
    ]);
    expect(relErr(out.fid, c.fid!)).toBeLessThan(1e-6);
    expect(relErr(out.sfid, c.sfid!)).toBeLessThan(1e-6);
    expect(relErr(out.inception_score, c.inception_score!)).toBeLessThan(1e-6);
    expect(Math.abs(out.precision - c.precision!)).toBeLessThan(1e-9);
    expect(Math.abs(out.recall - c.recall!)).toBeLessThan(1e-9);
    expect(out.protocol.kid.seed).toBe(3);
    expect(out.protocol.inception_score.splitMode).toBe('adm-5000');
    expect(out.protocol.precision_recall.distancePrecision).toBe('fp32');
  });

  it('prints a readable table, and uses the named protocol options', async () => {
    const r = await run(
      '--samples',
      fixture('case1_samples.npz'),
      '--reference',
      fixture('case2_reference_stats.npz'),
      '--is-splits',
      'torch-fidelity-10',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^fid\s+20\.99485\d\s+↓$/m);
    expect(r.stdout).toMatch(/^precision\s+—\s+.*statistics only/m);
    expect(r.stdout).toContain('"splitMode":"torch-fidelity-10"');
  });

  it('user errors exit 2 with a message naming the file and problem', async () => {
    const bad = join(dir, 'bad.npz');
    writeFileSync(bad, 'not a zip');
    const a = await run('--samples', bad, '--json');
    expect(a.code).toBe(2);
    expect(a.stdout).toBe('');
    expect(a.stderr).toBe(`genbench: ${bad}: not a zip archive (9 bytes, too short for an end-of-central-directory record)\n`);
    const b = await run('--samples', fixture('case1_samples.npz'), '--pr-precision', 'fp8');
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--pr-precision must be one of fp32, adm-fp16, not 'fp8'/);
    const c = await run('--samples', fixture('case3_samples.npz'), '--reference', fixture('case1_reference.npz'));
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/mismatched dimensions: 'pool' features have 96 dimensions in .*case3_samples\.npz but 64/);
  });
});

describe('genbench metrics on CLIP embeddings', () => {
  const write = async (name: string, arrays: Record<string, Float32Array | { data: Float32Array; shape: number[] }>) => {
    const file = join(dir, name);
    const entries = Object.entries(arrays).map(([k, v]) => [k, v instanceof Float32Array ? { data: v, shape: [v.length / 2, 2] } : v]);
    await writeNpz(
      file,
      Object.fromEntries(entries.map(([k, v]) => [k, { dtype: 'float32' as const, ...(v as { data: Float32Array; shape: number[] }) }])),
    );
    return file;
  };
  const pair = async (c: string) => ({
    samples: await write(`${c}-samples.npz`, {
      clip: npzArray(await clipFixture(`${c}_clip`)),
      clip_text: npzArray(await clipFixture(`${c}_clip_text`)),
    }),
    reference: await write(`${c}-reference.npz`, { clip: npzArray(await clipFixture(`${c}_reference_clip`)) }),
  });

  it('--json adds cmmd when both files hold clip and clip_score when the samples hold clip_text (numpy reference: 1e-5 / 1e-9 relative)', async () => {
    const { samples, reference } = await pair('case1');
    const r = await run('--samples', samples, '--reference', reference, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['cmmd', 'clip_score', 'protocol', 'unavailable']);
    expect(relErr(out.cmmd, CLIP_EXPECTED.case1.cmmd)).toBeLessThan(1e-5);
    expect(relErr(out.clip_score, CLIP_EXPECTED.case1.clip_score)).toBeLessThan(1e-9);
    expect(out.protocol.cmmd).toMatchObject({ scale: 1000, samples: 300, reference: 420 });
    expect(out.protocol.clip_score).toMatchObject({ negativeCosines: 1, samples: 300 });
    // Only CLIP score without a reference; Inception files say nothing about the CLIP metrics.
    const alone = JSON.parse((await run('--samples', samples, '--json')).stdout);
    expect(alone.clip_score).toBe(out.clip_score);
    expect(alone.unavailable.cmmd).toBe('no reference given');
    const inception = JSON.parse((await run('--samples', fixture('case1_samples.npz'), '--json')).stdout);
    expect(Object.keys(inception.unavailable)).not.toContain('cmmd');
    expect(Object.keys(inception.unavailable)).not.toContain('clip_score');
  });

  it('bad CLIP inputs exit 2 saying what is wrong: width, normalisation, row counts, shape, a lone clip_text', async () => {
    const unit = Float32Array.from([1, 0, 0, 1, Math.SQRT1_2, Math.SQRT1_2]);
    const ref3 = await write('ref3.npz', { clip: { data: Float32Array.from([1, 0, 0]), shape: [1, 3] } });
    const s = await write('unit.npz', { clip: unit });
    const a = await run('--samples', s, '--reference', ref3);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/CLIP embedding dimensions differ: samples have 2, the reference 3/);
    const raw = await write('raw.npz', { clip: Float32Array.from([1, 0, 3, 4]) });
    const b = await run('--samples', raw, '--reference', s);
    expect(b.code).toBe(2);
    expect(b.stderr).toBe(
      `genbench: ${raw}: 'clip' must hold L2-normalised embeddings, but row 1 has norm 5.00000 (allowed: 1 ± 0.002); divide each row by its norm before saving\n`,
    );
    const rows = await write('rows.npz', { clip: unit, clip_text: Float32Array.from([1, 0, 0, 1]) });
    const c = await run('--samples', rows);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/'clip' has 3 rows but 'clip_text' 2: row i of 'clip_text' is the embedding of sample i's prompt/);
    const shaped = await write('shaped.npz', { clip: { data: unit, shape: [3, 1, 2] } });
    const d = await run('--samples', shaped, '--reference', s);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/'clip' has shape \[3, 1, 2\]; expected \[N, D\]/);
    const lone = await write('lone.npz', { clip_text: unit });
    const e = await run('--samples', lone);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/has 'clip_text' but no 'clip'/);
  });
});

describe('genbench metrics on DINOv2 features', () => {
  it('adds fd_dinov2, the Fréchet distance of the dinov2 features (case1 as DINOv2 features: 1e-6 relative)', async () => {
    const c = EXPECTED.case1;
    const asDinov2 = async (src: string, name: string) => {
      const a = (await readNpz(fixture(src))).pool;
      const file = join(dir, name);
      await writeNpz(file, { dinov2: a });
      return file;
    };
    const r = await run(
      '--samples',
      await asDinov2(c.samples, 's-dino.npz'),
      '--reference',
      await asDinov2(c.reference!, 'r-dino.npz'),
      '--json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(relErr(out.fd_dinov2, c.fid!)).toBeLessThan(1e-6);
    expect(out.protocol.fd_dinov2.features).toBe('dinov2');
    expect(out.fid).toBeUndefined();
  });
});

function npzArray(set: { data: Float32Array; rows: number; dim: number }): { data: Float32Array; shape: number[] } {
  return { data: set.data, shape: [set.rows, set.dim] };
}
