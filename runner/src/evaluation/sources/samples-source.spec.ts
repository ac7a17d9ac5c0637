import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNpz } from '../../io/npz.js';
import { SamplesManifest } from '../../../../contracts/manifest/samples-manifest.schemas.js';
import { ModelFailure } from '../model-failure.js';
import type { ImageBatch } from './image-batch.js';
import { SamplesSource } from './samples-source.js';

const R = 8;
const PER = R * R * 3;
const images = (n: number) => Uint8Array.from({ length: n * PER }, (_, i) => (i * 7 + (i >> 9)) % 251);

async function drain(source: SamplesSource): Promise<ImageBatch[]> {
  const out: ImageBatch[] = [];
  for await (const b of source.batches()) out.push(b);
  return out;
}

describe('samples source', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genbench-samples-source-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const manifest = (classes = 0) => SamplesManifest.parse({ name: 's', kind: 'samples', resolution: R, classes });

  it.each([false, true])('streams the first n images in batches, labels alongside (compressed: %s)', async (compress) => {
    const path = join(dir, `batch-${compress}.npz`);
    const data = images(50);
    const labels = BigInt64Array.from({ length: 50 }, (_, i) => BigInt(i % 10));
    await writeNpz(
      path,
      { arr_0: { dtype: 'uint8', shape: [50, R, R, 3], data }, arr_1: { dtype: 'int64', shape: [50], data: labels } },
      { compress },
    );
    const source = await SamplesSource.open(path, manifest(10), { n: 45, batchSize: 16 });
    const batches = await drain(source);
    await source.close();
    expect(batches.map((b) => [b.start, b.count])).toEqual([
      [0, 16],
      [16, 16],
      [32, 13],
    ]);
    expect(Buffer.concat(batches.map((b) => b.images)).equals(Buffer.from(data.subarray(0, 45 * PER)))).toBe(true);
    expect(batches.flatMap((b) => [...b.labels!])).toEqual(Array.from({ length: 45 }, (_, i) => i % 10));
    expect(source.protocol()).toEqual({ source: 'uploaded sample batch', imagesInBatch: 50, imagesScored: 45, labels: true });
  });

  it('fails the evaluation when the batch is shorter than the suite or labels are out of range', async () => {
    const path = join(dir, 'short.npz');
    await writeNpz(path, {
      arr_0: { dtype: 'uint8', shape: [10, R, R, 3], data: images(10) },
      arr_1: { dtype: 'int32', shape: [10], data: Int32Array.from({ length: 10 }, (_, i) => i) },
    });
    await expect(SamplesSource.open(path, manifest(), { n: 11, batchSize: 4 })).rejects.toThrow(
      new ModelFailure('the sample batch holds 10 images; this suite scores 11'),
    );
    const source = await SamplesSource.open(path, manifest(5), { n: 10, batchSize: 4 });
    await expect(drain(source)).rejects.toThrow('arr_1[5] is 5; labels must lie in [0, 5)');
    await source.close();
  });
});
