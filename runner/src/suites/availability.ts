import { readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { AssetDirs } from '../../../contracts/assets/asset-dirs.js';
import { assetPath, assetPresent, verifyAsset, MissingAssetError } from '../assets/assets.js';
import { howToGet, LPIPS_EXPORT_SOURCE, type AssetKind, type AssetRef } from '../../../contracts/assets/asset-ref.js';
import { checkSegmentationDataset, datasetInstructions } from '../datasets/segmentation-dataset-files.js';
import { isSegmentationSuite, type SegmentationSuiteDefinition } from '../../../contracts/suites/segmentation-suite.schemas.js';
import type { SuiteDefinition } from '../../../contracts/suites/suite.schemas.js';
import {
  imageConditionedAssets,
  isImageConditionedSuite,
  type ImageConditionedSuiteDefinition,
} from '../../../contracts/suites/image-conditioned-suite.schemas.js';
import { parseLpipsManifest } from '../../../contracts/manifest/lpips-manifest.schemas.js';
import { ManifestError } from '../../../contracts/manifest/manifest.schemas.js';
import { isTextToImageSuite, textToImageAssets } from '../../../contracts/suites/text-to-image-suite.schemas.js';
import { isVideoSuite, videoAssets } from '../../../contracts/suites/video-suite.schemas.js';

/** A file a suite needs that is not where it should be (or, when verified, is not the right file). */
export interface MissingFile {
  file: string;
  /** Absolute path the file is looked for at. */
  expectedPath: string;
  /** Where to download it from, or how to make it. */
  source: string;
  /** Pinned checksum of a downloaded asset; absent for dataset and LPIPS files, which are checked by presence. */
  sha256?: string;
  /** The directory it goes in (`GENBENCH_REFERENCE_DIR` or `GENBENCH_MODELS_DIR`); absent for dataset files. */
  kind?: AssetKind;
  /** `invalid-manifest`: an LPIPS manifest that is there but does not parse (`detail` says why). */
  problem: MissingAssetError['problem'] | 'invalid-manifest';
  detail?: string;
}

export type Availability = { available: true } | { available: false; missing: MissingFile[]; message: string };

/** The downloaded files a suite needs: none for synthetic suites. */
export function suiteAssets(suite: SuiteDefinition): Array<{ asset: AssetRef; kind: AssetKind }> {
  const out: Array<{ asset: AssetRef; kind: AssetKind }> = [];
  if (isSegmentationSuite(suite)) return out;
  if (isVideoSuite(suite)) return videoAssets(suite);
  if (isImageConditionedSuite(suite)) {
    out.push(...imageConditionedAssets(suite));
    if (suite.extractor.type === 'onnx-file') {
      const { file, sha256, source } = suite.extractor;
      out.push({ asset: { file, sha256, source }, kind: 'model' });
    }
    return out;
  }
  if (suite.reference.type === 'adm-reference-batch') {
    const { file, sha256, source } = suite.reference;
    out.push({ asset: { file, sha256, source }, kind: 'reference' });
  }
  if (suite.extractor.type === 'onnx-file') {
    const { file, sha256, source } = suite.extractor;
    out.push({ asset: { file, sha256, source }, kind: 'model' });
  }
  if (isTextToImageSuite(suite)) out.push(...textToImageAssets(suite));
  return out;
}

/**
 * Whether a suite can run here: every file it needs is under `GENBENCH_REFERENCE_DIR` (reference batches)
 * or `GENBENCH_MODELS_DIR` (extractor models). Presence only, unless `verify` (which hashes every file: a
 * reference batch is gigabytes). Never throws for absent or unreadable files; synthetic suites are always
 * available.
 */
export async function availability(suite: SuiteDefinition, dirs: AssetDirs, options: { verify?: boolean } = {}): Promise<Availability> {
  if (isSegmentationSuite(suite)) return datasetAvailability(suite, dirs.datasetsDir);
  const missing: MissingFile[] = [];
  for (const { asset, kind } of suiteAssets(suite)) {
    const dir = kind === 'reference' ? dirs.referenceDir : dirs.modelsDir;
    const entry = { file: asset.file, expectedPath: assetPath(dir, asset), source: asset.source, sha256: asset.sha256, kind };
    if (!options.verify) {
      if (!(await assetPresent(dir, asset))) missing.push({ ...entry, problem: 'absent' });
      continue;
    }
    try {
      await verifyAsset(dir, asset, kind);
    } catch (err) {
      if (err instanceof MissingAssetError) missing.push({ ...entry, problem: err.problem });
      else missing.push({ ...entry, problem: 'absent' });
    }
  }
  if (isImageConditionedSuite(suite)) missing.push(...(await missingLpipsFiles(suite, dirs.modelsDir)));
  if (missing.length === 0) return { available: true };
  const lines = missing.map(
    (m) => `  ${m.file} ${missingProblem(m)}: ${howToGet({ file: m.file, source: m.source, sha256: m.sha256 ?? '' }, m.expectedPath)}`,
  );
  const message = `suite ${suite.id} v${suite.version} cannot run here; ${missing.length === 1 ? 'a file it needs' : `${missing.length} files it needs`}:\n${lines.join('\n')}`;
  return { available: false, missing, message };
}

/** What is wrong with a file a suite needs, in a few words ("missing", "has the wrong sha256", …). */
export function missingProblem(m: Pick<MissingFile, 'problem' | 'detail'>): string {
  switch (m.problem) {
    case 'absent':
      return 'missing';
    case 'sha256-mismatch':
      return 'has the wrong sha256';
    case 'sha256-not-pinned':
      return 'has no pinned sha256 to check against';
    case 'invalid-manifest':
      return `is not a valid LPIPS manifest (${m.detail ?? 'unreadable'})`;
  }
}

/**
 * LPIPS's files when the suite scores lpips with a network by path, looked for where the image-conditioned task
 * opens them (join(modelsDir, file), then lpips-network.ts): the manifest and, once it is there, the network and
 * lin weights it names, relative to the manifest. Presence only, with or without `verify`: the files are
 * exported locally by scripts/export_lpips.py rather than downloaded, and no checksum of them is pinned. The
 * built-in stand-in needs no file.
 */
async function missingLpipsFiles(suite: ImageConditionedSuiteDefinition, modelsDir: string): Promise<MissingFile[]> {
  const ref = suite.lpips;
  if (!suite.metrics.includes('lpips') || ref?.type !== 'manifest') return [];
  const manifestPath = join(modelsDir, ref.file);
  const entry = (path: string) => ({
    file: relative(modelsDir, path) || path,
    expectedPath: path,
    source: LPIPS_EXPORT_SOURCE,
    kind: 'model' as const,
  });
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch {
    return [{ ...entry(manifestPath), problem: 'absent' }];
  }
  let manifest;
  try {
    manifest = parseLpipsManifest(text);
  } catch (err) {
    if (!(err instanceof ManifestError)) throw err;
    return [{ ...entry(manifestPath), problem: 'invalid-manifest', detail: err.message }];
  }
  const missing: MissingFile[] = [];
  for (const file of [manifest.network.file, manifest.lin.file]) {
    const path = resolve(dirname(manifestPath), file);
    if (!(await isFile(path))) missing.push({ ...entry(path), problem: 'absent' });
  }
  return missing;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Whether a segmentation suite's dataset is under `GENBENCH_DATASETS_DIR` (presence of the files, never their
 * content); the message says what to download and where to put it.
 */
async function datasetAvailability(suite: SegmentationSuiteDefinition, datasetsDir: string): Promise<Availability> {
  const check = await checkSegmentationDataset(suite, datasetsDir);
  if (check.ok) return { available: true };
  const missing: MissingFile[] = check.missing.map((m) => ({ ...m, problem: 'absent' }));
  const message =
    `suite ${suite.id} v${suite.version} cannot run here: its dataset (${suite.dataset.type}, ${suite.dataset.images} images) ` +
    `is not complete under $GENBENCH_DATASETS_DIR (${datasetsDir}): ${check.problem}.\n  ${datasetInstructions(suite, datasetsDir)}`;
  return { available: false, missing, message };
}
