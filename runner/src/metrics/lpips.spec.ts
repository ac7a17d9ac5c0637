import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpz, writeNpz } from '../io/npz.js';
import { buildTinyLpipsNet, TINY_LPIPS_CHANNELS } from '../onnx/models/tiny-lpips-net.js';
import type { RgbBatch } from './image-fidelity.js';
import { type FeatureMaps, lpipsDistances } from './lpips.js';
import { LpipsConfigError, LpipsNetwork } from './lpips-network.js';
import { MetricInputError } from './metric-input-error.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

function maps(a: { data: unknown; shape: readonly number[] }): FeatureMaps {
  const [count, channels, height, width] = a.shape as [number, number, number, number];
  return { data: a.data as Float32Array, count, channels, height, width };
}

describe('LPIPS combination (lpips v0.1 LPIPS.forward after the network)', () => {
  it('equals the float64 numpy reference within 1e-9 relative per image, 0 for an identical pair', async () => {
    const ref = JSON.parse(await readFile(join(FIXTURES, 'lpips-references.json'), 'utf8')) as { layers: number; lpips: number[] };
    const arrays = await readNpz(join(FIXTURES, 'lpips-references.npz'));
    const layers = Array.from({ length: ref.layers }, (_, l) => l);
    const got = lpipsDistances(
      layers.map((l) => maps(arrays[`a${l}`]!)),
      layers.map((l) => maps(arrays[`b${l}`]!)),
      layers.map((l) => arrays[`lin${l}`]!.data as Float32Array),
    );
    expect(got).toHaveLength(ref.lpips.length);
    ref.lpips.forEach((want, i) => {
      if (want === 0) expect(got[i]).toBe(0);
      else expect(Math.abs(got[i]! - want) / want).toBeLessThan(1e-9);
    });
  });

  it('closed form (1e-9, the size of the 1e-10 eps on these norms): one position, orthogonal features, weights w give Σ w', () => {
    const a: FeatureMaps = { data: Float32Array.from([3, 0]), count: 1, channels: 2, height: 1, width: 1 };
    const b: FeatureMaps = { data: Float32Array.from([0, 5]), count: 1, channels: 2, height: 1, width: 1 };
    // normalised: (1, 0) and (0, 1); squared difference (1, 1); weighted 0.25 + 0.5.
    expect(Math.abs(lpipsDistances([a], [b], [Float32Array.from([0.25, 0.5])])[0]! - 0.75)).toBeLessThan(1e-9);
    // Scale does not matter (unit-normalised), so 2·a against a is 0.
    const a2 = { ...a, data: Float32Array.from([6, 0]) };
    expect(lpipsDistances([a], [a2], [Float32Array.from([0.25, 0.5])])[0]).toBeLessThan(1e-9);
  });

  it('refuses mismatched layers, shapes and lin widths', () => {
    const a: FeatureMaps = { data: new Float32Array(8), count: 1, channels: 2, height: 2, width: 2 };
    const b: FeatureMaps = { data: new Float32Array(4), count: 1, channels: 1, height: 2, width: 2 };
    expect(() => lpipsDistances([a], [a], [])).toThrow(MetricInputError);
    expect(() => lpipsDistances([a], [b], [new Float32Array(2)])).toThrow(/features are \[1, 2, 2, 2\] and \[1, 1, 2, 2\]/);
    expect(() => lpipsDistances([a], [a], [new Float32Array(3)])).toThrow(/2 channels but its lin weights 3/);
  });
});

describe('LPIPS network by manifest (tiny stand-in for AlexNet)', () => {
  let dir: string;
  const net = buildTinyLpipsNet(7);
  const N = 5;
  const S = 16;
  let target: RgbBatch;
  let near: RgbBatch;
  let far: RgbBatch;

  const manifest = (extra: Record<string, unknown> = {}) => ({
    name: 'tiny-lpips',
    kind: 'lpips',
    network: { file: 'net.onnx', input: 'images', layers: ['relu1', 'relu2', 'relu3'] },
    lin: { file: 'lin.npz' },
    ...extra,
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genbench-lpips-'));
    await writeFile(join(dir, 'net.onnx'), net.model);
    await writeNpz(
      join(dir, 'lin.npz'),
      Object.fromEntries(net.lins.map((w, l) => [`lin${l}`, { dtype: 'float32' as const, shape: [1, w.length, 1, 1], data: w }])),
    );
    await writeFile(join(dir, 'lpips.json'), JSON.stringify(manifest()));
    const px = N * S * S * 3;
    const t = Uint8Array.from({ length: px }, (_, i) => (i * 37 + ((i * i) % 61)) % 256);
    const noise = (amp: number) => Uint8Array.from(t, (v, i) => Math.min(255, Math.max(0, v + Math.round(amp * Math.sin(i * 12.9898)))));
    target = { data: t, count: N, height: S, width: S };
    near = { data: noise(6), count: N, height: S, width: S };
    far = { data: noise(60), count: N, height: S, width: S };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('scales inputs to [−1, 1] and batches without changing results: equals the graph run by hand (1e-12)', async () => {
    const lp = await LpipsNetwork.open(join(dir, 'lpips.json'));
    const got = await lp.distances(near, target, 2);
    await lp.close();
    const session = await ort.InferenceSession.create(net.model);
    const feats = async (b: RgbBatch) => {
      const x = new Float32Array(N * 3 * S * S);
      for (let n = 0; n < N; n++)
        for (let y = 0; y < S; y++)
          for (let xx = 0; xx < S; xx++)
            for (let c = 0; c < 3; c++) x[((n * 3 + c) * S + y) * S + xx] = b.data[((n * S + y) * S + xx) * 3 + c]! / 127.5 - 1;
      const out = await session.run({ images: new ort.Tensor('float32', x, [N, 3, S, S]) });
      return ['relu1', 'relu2', 'relu3'].map((k) => maps({ data: out[k]!.data, shape: out[k]!.dims }));
    };
    const want = lpipsDistances(await feats(near), await feats(target), net.lins);
    await session.release();
    for (let i = 0; i < N; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-12);
    expect(TINY_LPIPS_CHANNELS).toHaveLength(3);
  });

  it('is 0 for identical images and grows with the distortion', async () => {
    const lp = await LpipsNetwork.open(join(dir, 'lpips.json'));
    const same = await lp.distances(target, target);
    const d1 = await lp.distances(near, target);
    const d2 = await lp.distances(far, target);
    await lp.close();
    expect(Math.max(...same)).toBe(0);
    for (let i = 0; i < N; i++) expect(d2[i]!).toBeGreaterThan(d1[i]! * 2);
  });

  it('an absent network says what to download and run; mismatched lin weights say which layer', async () => {
    await writeFile(
      join(dir, 'absent.json'),
      JSON.stringify(manifest({ network: { file: 'lpips_alex.onnx', input: 'images', layers: ['relu1'] } })),
    );
    const err = await LpipsNetwork.open(join(dir, 'absent.json')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LpipsConfigError);
    expect((err as Error).message).toContain(join(dir, 'lpips_alex.onnx'));
    expect((err as Error).message).toMatch(/scripts\/export_lpips\.py.*pip install lpips/);

    await writeNpz(join(dir, 'lin-bad.npz'), { lin0: { dtype: 'float32', shape: [3], data: new Float32Array(3) } });
    await writeFile(
      join(dir, 'bad-lin.json'),
      JSON.stringify(manifest({ network: { file: 'net.onnx', input: 'images', layers: ['relu1'] }, lin: { file: 'lin-bad.npz' } })),
    );
    const lp = await LpipsNetwork.open(join(dir, 'bad-lin.json'));
    await expect(lp.distances(near, target)).rejects.toThrow(/layer "relu1" .* has 4 channels but lin0 has 3 weights/);
    await lp.close();

    await writeFile(
      join(dir, 'bad-out.json'),
      JSON.stringify(manifest({ network: { file: 'net.onnx', input: 'images', layers: ['relu9'] } })),
    );
    await expect(LpipsNetwork.open(join(dir, 'bad-out.json'))).rejects.toThrow(/has no output "relu9"/);
  });
});
