// `genbench seg-score`: mIoU and pixel accuracy of zero-shot segmentation predictions stored as .npz, under
// the matching protocols of runner/src/segmentation/protocols.ts.
import type { Command } from 'commander';
import { ArrayFileError, readNpz, type NdArray } from '../../io/npz.js';
import { scoreSegmentation, type SegmentationResult } from '../../segmentation/protocols.js';
import { SEGMENTATION_PROTOCOLS, isSegmentationProtocol } from '../../../../contracts/enums.js';
import { CliError } from '../cli-error.js';

export interface SegScoreOptions {
  gt: string;
  pred: string;
  classes: string;
  protocol: string;
  gtKey: string;
  predKey: string;
  clusters?: string;
  json?: boolean;
}

const INTEGER_DTYPES = new Set(['uint8', 'int8', 'int16', 'uint16', 'int32', 'int64', 'bool']);

function parsePositiveInteger(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new CliError(`${flag} must be a positive integer, got '${value}'`);
  }
  return n;
}

async function loadArchive(path: string): Promise<Record<string, NdArray>> {
  try {
    return await readNpz(path);
  } catch (err) {
    if (err instanceof ArrayFileError) throw new CliError(err.message, 2, { cause: err });
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      throw new CliError(`cannot read ${path}: ${(err as Error).message}`, 2, { cause: err });
    }
    throw err;
  }
}

function pickLabelMap(archive: Record<string, NdArray>, key: string, path: string, flag: string): NdArray {
  const array = archive[key];
  if (!array) {
    const keys = Object.keys(archive);
    throw new CliError(`${path} has no array '${key}' (it holds: ${keys.length ? keys.join(', ') : 'nothing'}); choose one with ${flag}`);
  }
  if (array.shape.length !== 3) {
    throw new CliError(`${path}: '${key}' must be [N, H, W], got shape [${array.shape.join(', ')}]`);
  }
  if (!INTEGER_DTYPES.has(array.dtype)) {
    throw new CliError(`${path}: '${key}' must hold integer labels, got dtype ${array.dtype}`);
  }
  return array;
}

/** int64 arrays arrive as BigInt64Array; label ids beyond 2^53 are not labels. */
function asNumbers(array: NdArray, key: string): ArrayLike<number> {
  const { data } = array;
  if (!(data instanceof BigInt64Array)) return data;
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]);
    if (!Number.isSafeInteger(v)) throw new CliError(`'${key}' holds ${data[i]}, too large for a label id`);
    out[i] = v;
  }
  return out;
}

/** Reads the two archives, checks them and scores them; every user error is a CliError. */
export async function segScore(options: SegScoreOptions): Promise<SegmentationResult> {
  const { protocol } = options;
  if (!isSegmentationProtocol(protocol)) {
    throw new CliError(`unknown protocol '${protocol}'; expected one of ${SEGMENTATION_PROTOCOLS.join(', ')}`);
  }
  const numClasses = parsePositiveInteger(options.classes, '--classes');
  const numClusters = options.clusters === undefined ? undefined : parsePositiveInteger(options.clusters, '--clusters');
  if (numClusters !== undefined && protocol !== 'dataset-hungarian') {
    throw new CliError('--clusters applies to --protocol dataset-hungarian only');
  }

  const gtArchive = await loadArchive(options.gt);
  const predArchive = options.pred === options.gt ? gtArchive : await loadArchive(options.pred);
  const gt = pickLabelMap(gtArchive, options.gtKey, options.gt, '--gt-key');
  const pred = pickLabelMap(predArchive, options.predKey, options.pred, '--pred-key');
  if (gt.shape.some((d, i) => d !== pred.shape[i])) {
    throw new CliError(`shape mismatch: ${options.gtKey} is [${gt.shape.join(', ')}] but ${options.predKey} is [${pred.shape.join(', ')}]`);
  }

  const [n, height, width] = gt.shape;
  let result: SegmentationResult;
  try {
    result = scoreSegmentation(asNumbers(gt, options.gtKey), asNumbers(pred, options.predKey), [n, height, width], {
      protocol,
      numClasses,
      numClusters,
    });
  } catch (err) {
    // Out-of-range cluster ids under --clusters are a property of the user's file.
    if (err instanceof RangeError) throw new CliError(err.message, 2, { cause: err });
    throw err;
  }
  if (Number.isNaN(result.pixel_accuracy)) {
    throw new CliError(`no labelled pixels: every label in '${options.gtKey}' is outside 0..${numClasses - 1}`);
  }
  return result;
}

function formatResult(result: SegmentationResult, json: boolean): string {
  if (json) return `${JSON.stringify(result)}\n`;
  return [
    `protocol        ${result.protocol}`,
    `classes         ${result.classes}`,
    `mIoU            ${result.miou.toFixed(6)}`,
    `pixel accuracy  ${result.pixel_accuracy.toFixed(6)}`,
    '',
  ].join('\n');
}

export function register(program: Command): void {
  program
    .command('seg-score')
    .description('Score segment/cluster maps against ground-truth labels with Hungarian matching (mIoU, pixel accuracy)')
    .requiredOption('--gt <file>', '.npz holding integer ground truth [N, H, W]; labels outside 0..K-1 (e.g. 255) are ignored')
    .requiredOption('--pred <file>', '.npz holding integer segment or cluster ids [N, H, W] (may be the --gt file)')
    .requiredOption('--classes <K>', 'number of ground-truth classes K')
    .requiredOption('--protocol <name>', `matching protocol: ${SEGMENTATION_PROTOCOLS.join(' | ')}`)
    .option('--gt-key <key>', 'array name in the --gt archive', 'gt')
    .option('--pred-key <key>', 'array name in the --pred archive', 'pred')
    .option('--clusters <n>', 'dataset-hungarian: cluster ids are exactly 0..n-1 (STEGO n_classes + extra_clusters)')
    .option('--json', 'print exactly one JSON object')
    .action(async (options: SegScoreOptions) => {
      const result = await segScore(options);
      process.stdout.write(formatResult(result, options.json ?? false));
    });
}
