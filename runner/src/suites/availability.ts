import type { AssetDirs } from '../../../contracts/assets/asset-dirs.js';
import { assetPath, assetPresent, verifyAsset, MissingAssetError } from '../assets/assets.js';
import { howToGet, type AssetKind, type AssetRef } from '../../../contracts/assets/asset-ref.js';
import { checkSegmentationDataset, datasetInstructions } from '../datasets/segmentation-dataset-files.js';
import { isSegmentationSuite, type SegmentationSuiteDefinition } from '../../../contracts/suites/segmentation-suite.schemas.js';
import type { SuiteDefinition } from '../../../contracts/suites/suite.schemas.js';
import { imageConditionedAssets, isImageConditionedSuite } from '../../../contracts/suites/image-conditioned-suite.schemas.js';
import { isTextToImageSuite, textToImageAssets } from '../../../contracts/suites/text-to-image-suite.schemas.js';
import { isVideoSuite, videoAssets } from '../../../contracts/suites/video-suite.schemas.js';

/** A file a suite needs that is not where it should be (or, when verified, is not the right file). */
export interface MissingFile {
  file: string;
  /** Absolute path the file is looked for at. */
  expectedPath: string;
  /** Where to download it from, or how to make it. */
  source: string;
  /** Pinned checksum of a downloaded asset; absent for dataset files, which are checked by presence. */
  sha256?: string;
  problem: MissingAssetError['problem'];
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
    const entry = { file: asset.file, expectedPath: assetPath(dir, asset), source: asset.source, sha256: asset.sha256 };
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
  if (missing.length === 0) return { available: true };
  const lines = missing.map((m) => {
    const what =
      m.problem === 'absent'
        ? 'missing'
        : m.problem === 'sha256-mismatch'
          ? 'has the wrong sha256'
          : 'has no pinned sha256 to check against';
    return `  ${m.file} ${what}: ${howToGet({ file: m.file, source: m.source, sha256: m.sha256 ?? '' }, m.expectedPath)}`;
  });
  const message = `suite ${suite.id} v${suite.version} cannot run here; ${missing.length === 1 ? 'a file it needs' : `${missing.length} files it needs`}:\n${lines.join('\n')}`;
  return { available: false, missing, message };
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
