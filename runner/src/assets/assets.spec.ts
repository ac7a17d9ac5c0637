import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MissingAssetError, sha256File, verifyAsset } from './assets.js';
import { SHA256_NOT_PINNED } from '../../../contracts/assets/asset-ref.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('verifyAsset', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genbench-assets-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const asset = { file: 'model.onnx', sha256: sha('the model'), source: 'https://example.org/model.onnx' };

  it('returns the absolute path of a file with the expected sha256', async () => {
    await writeFile(join(dir, 'model.onnx'), 'the model');
    expect(await verifyAsset(dir, asset, 'model')).toBe(join(dir, 'model.onnx'));
    expect(await sha256File(join(dir, 'model.onnx'))).toBe(sha('the model'));
  });

  it('names the file, where to download it and where to put it when it is absent', async () => {
    const err = await verifyAsset(dir, asset, 'model').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingAssetError);
    expect((err as MissingAssetError).problem).toBe('absent');
    expect((err as Error).message).toBe(
      `model file model.onnx is missing: download it from https://example.org/model.onnx and put it at ${join(dir, 'model.onnx')} (the directory is $GENBENCH_MODELS_DIR)`,
    );
  });

  it('refuses a file whose sha256 differs, giving both hashes', async () => {
    await writeFile(join(dir, 'model.onnx'), 'half a model');
    const err = (await verifyAsset(dir, asset, 'model').catch((e: unknown) => e)) as MissingAssetError;
    expect(err.problem).toBe('sha256-mismatch');
    expect(err.actualSha256).toBe(sha('half a model'));
    expect(err.message).toContain(asset.sha256);
    expect(err.message).toContain(sha('half a model'));
    expect(err.message).toContain(asset.source);
  });

  it('refuses a file whose checksum is not pinned, printing the hash to pin', async () => {
    await writeFile(join(dir, 'ref.npz'), 'reference');
    const err = (await verifyAsset(
      dir,
      { file: 'ref.npz', sha256: SHA256_NOT_PINNED, source: 'https://example.org/ref.npz' },
      'reference',
    ).catch((e: unknown) => e)) as MissingAssetError;
    expect(err.problem).toBe('sha256-not-pinned');
    expect(err.message).toContain(sha('reference'));
  });
});
