import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type AssetKind, type AssetRef, SHA256_NOT_PINNED, howToGet } from '../../../contracts/assets/asset-ref.js';

const ENV_VAR: Record<AssetKind, string> = { reference: 'GENBENCH_REFERENCE_DIR', model: 'GENBENCH_MODELS_DIR' };

/**
 * A file a suite needs is absent, or is not the file the suite was defined with. The message names the
 * file, where to download it and where to put it.
 */
export class MissingAssetError extends Error {
  override readonly name = 'MissingAssetError';

  constructor(
    readonly asset: AssetRef,
    readonly kind: AssetKind,
    readonly expectedPath: string,
    readonly problem: 'absent' | 'sha256-mismatch' | 'sha256-not-pinned',
    readonly actualSha256?: string,
  ) {
    super(describeProblem(asset, kind, expectedPath, problem, actualSha256));
  }
}

function describeProblem(
  asset: AssetRef,
  kind: AssetKind,
  expectedPath: string,
  problem: MissingAssetError['problem'],
  actual?: string,
): string {
  const where = `${howToGet(asset, expectedPath)} (the directory is $${ENV_VAR[kind]})`;
  switch (problem) {
    case 'absent':
      return `${kind} file ${asset.file} is missing: ${where}`;
    case 'sha256-mismatch':
      return `${kind} file ${expectedPath} has sha256 ${actual}, expected ${asset.sha256}: it is not the file this suite was defined with (a partial download?); ${where}`;
    case 'sha256-not-pinned':
      return `${kind} file ${expectedPath} cannot be verified: its sha256 is not pinned in the suite definition yet (the file here hashes to ${actual}; pin that value once it is checked against ${asset.source})`;
  }
}

export function assetPath(dir: string, asset: AssetRef): string {
  return resolve(dir, asset.file);
}

/** Whether the asset's file exists as a regular file (no hashing). */
export async function assetPresent(dir: string, asset: AssetRef): Promise<boolean> {
  try {
    return (await stat(assetPath(dir, asset))).isFile();
  } catch {
    return false;
  }
}

/** SHA-256 of a file, hex, streamed (reference batches run to gigabytes). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Resolves an asset under `dir` and checks its sha256; returns its absolute path. Throws
 * MissingAssetError when it is absent, does not match, or the suite has no checksum pinned for it.
 */
export async function verifyAsset(dir: string, asset: AssetRef, kind: AssetKind): Promise<string> {
  const path = assetPath(dir, asset);
  if (!(await assetPresent(dir, asset))) throw new MissingAssetError(asset, kind, path, 'absent');
  const actual = await sha256File(path);
  if (asset.sha256 === SHA256_NOT_PINNED) throw new MissingAssetError(asset, kind, path, 'sha256-not-pinned', actual);
  if (actual !== asset.sha256.toLowerCase()) throw new MissingAssetError(asset, kind, path, 'sha256-mismatch', actual);
  return path;
}
