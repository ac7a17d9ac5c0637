// End-to-end tests of `genbench metrics` through bin/genbench.js.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPECTED, fixture, relErr } from '../../metrics/fixtures.testing.js';

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
