// End-to-end tests of `genbench image-metrics` through bin/genbench.js.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpz, writeNpz } from '../../io/npz.js';
import { LpipsNetwork } from '../../metrics/lpips-network.js';
import { buildTinyLpipsNet } from '../../onnx/models/tiny-lpips-net.js';

const BIN = join(import.meta.dirname, '../../../../bin/genbench.js');
const FIXTURES = join(import.meta.dirname, '../../metrics/fixtures');
const REF = JSON.parse(readFileSync(join(FIXTURES, 'image-references.json'), 'utf8')) as {
  cases: Record<string, { psnr: number; ssim: number }>;
};

const run = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, 'image-metrics', ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

let dir: string;
const file = (name: string) => join(dir, name);
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'genbench-image-metrics-'));
  const arrays = await readNpz(join(FIXTURES, 'image-references.npz'));
  await writeNpz(file('pred.npz'), { arr_0: arrays.case0_pred });
  await writeNpz(file('target.npz'), { arr_0: arrays.case0_target });
  await writeNpz(file('small.npz'), { arr_0: arrays.case1_target });
  await writeNpz(file('float.npz'), {
    arr_0: { dtype: 'float32', shape: arrays.case0_target.shape, data: Float32Array.from(arrays.case0_target.data as Uint8Array) },
  });
  await writeNpz(file('five.npz'), {
    arr_0: { ...arrays.case0_pred, shape: [5, 32, 32, 3], data: arrays.case0_pred.data.subarray(0, 5 * 32 * 32 * 3) },
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('genbench image-metrics', () => {
  it('--json prints one object {psnr, ssim} equal to scikit-image on case0 (1e-10)', async () => {
    const r = await run('--pred', file('pred.npz'), '--target', file('target.npz'), '--json');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]) as { psnr: number; ssim: number; images: number };
    expect(Math.abs(out.psnr - REF.cases.case0.psnr)).toBeLessThan(1e-10);
    expect(Math.abs(out.ssim - REF.cases.case0.ssim)).toBeLessThan(1e-10);
    expect(out.images).toBe(6);
  });

  it("--edges adds edge F1 of the outputs' Canny maps against the targets': 1 for the targets themselves, lower for noisy outputs", async () => {
    const same = JSON.parse((await run('--pred', file('target.npz'), '--target', file('target.npz'), '--json', '--edges')).stdout) as {
      edge_f1: number;
    };
    expect(same.edge_f1).toBe(1);
    const noisy = JSON.parse((await run('--pred', file('pred.npz'), '--target', file('target.npz'), '--json', '--edges')).stdout) as {
      edge_f1: number;
      psnr: number;
    };
    expect(noisy.edge_f1).toBeGreaterThan(0);
    expect(noisy.edge_f1).toBeLessThan(1);
    expect(Math.abs(noisy.psnr - REF.cases.case0.psnr)).toBeLessThan(1e-10);
    const plain = JSON.parse((await run('--pred', file('pred.npz'), '--target', file('target.npz'), '--json')).stdout) as object;
    expect(plain).not.toHaveProperty('edge_f1');
  });

  it('--lpips <manifest> adds lpips, the mean of the network path computed in process (1e-12); an absent network exits 2 saying what to run', async () => {
    const net = buildTinyLpipsNet(7);
    writeFileSync(file('net.onnx'), net.model);
    await writeNpz(
      file('lin.npz'),
      Object.fromEntries(net.lins.map((w, l) => [`lin${l}`, { dtype: 'float32' as const, shape: [w.length], data: w }])),
    );
    const manifest = {
      name: 'tiny-lpips',
      kind: 'lpips',
      network: { file: 'net.onnx', input: 'images', layers: ['relu1', 'relu2', 'relu3'] },
      lin: { file: 'lin.npz' },
    };
    writeFileSync(file('lpips.json'), JSON.stringify(manifest));
    const r = await run('--pred', file('pred.npz'), '--target', file('target.npz'), '--json', '--lpips', file('lpips.json'));
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { lpips: number; psnr: number };
    const arrays = await readNpz(join(FIXTURES, 'image-references.npz'));
    const batch = (a: (typeof arrays)[string]) => ({
      data: a.data as Uint8Array,
      count: a.shape[0]!,
      height: a.shape[1]!,
      width: a.shape[2]!,
    });
    const lp = await LpipsNetwork.open(file('lpips.json'));
    const d = await lp.distances(batch(arrays.case0_pred!), batch(arrays.case0_target!));
    await lp.close();
    expect(Math.abs(out.lpips - d.reduce((a, b) => a + b, 0) / d.length)).toBeLessThan(1e-12);
    expect(out.lpips).toBeGreaterThan(0);
    expect(Math.abs(out.psnr - REF.cases.case0.psnr)).toBeLessThan(1e-10);

    writeFileSync(file('absent-lpips.json'), JSON.stringify({ ...manifest, network: { ...manifest.network, file: 'lpips_alex.onnx' } }));
    const a = await run('--pred', file('pred.npz'), '--target', file('target.npz'), '--json', '--lpips', file('absent-lpips.json'));
    expect(a.code).toBe(2);
    expect(a.stdout).toBe('');
    expect(a.stderr).toContain(file('lpips_alex.onnx'));
    expect(a.stderr).toMatch(/scripts\/export_lpips\.py/);
  });

  it.each([
    ['a size mismatch', 'small.npz', /16×16 but the target's 32×32/],
    ['a count mismatch', 'five.npz', /holds 5 images but the target 6/],
    ['a float batch', 'float.npz', /arr_0 must be uint8/],
    ['a missing file', 'absent.npz', /absent\.npz: cannot open/],
  ])('refuses %s with a one-line error naming the file and exit code 2', async (_what, pred, message) => {
    const r = await run('--pred', file(pred), '--target', file('target.npz'), '--json');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^genbench: /);
    expect(r.stderr).toContain(file(pred));
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
