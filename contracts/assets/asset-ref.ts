/** A large file the project does not ship: where it comes from and what it must hash to. */
export interface AssetRef {
  /** File name (or path) relative to its directory. */
  file: string;
  sha256: string;
  /** Where to download it from, or how to make it. */
  source: string;
}

export type AssetKind = 'reference' | 'model';

/**
 * Stands for "this checksum has not been pinned yet": a suite that names it cannot be verified, and
 * verification says so along with the hash of the file that is there.
 */
export const SHA256_NOT_PINNED = '0'.repeat(64);

/** TF's inception-2015-12-05 graph, as ADM's evaluator downloads it. */
const FID_INCEPTION_PB = 'https://openaipublic.blob.core.windows.net/diffusion/jul-2021/ref_batches/classify_image_graph_def.pb';

/**
 * Files nobody publishes, which a genbench command makes from one that is published: the message names
 * the command rather than only describing the source.
 */
const MADE_BY: Record<string, (expectedPath: string) => string> = {
  // runner/src/cli/commands/export-inception.command.ts
  'inception-2015-12-05.onnx': (out) =>
    `download ${FID_INCEPTION_PB} and convert it with \`genbench export-inception --pb classify_image_graph_def.pb --out ${out}\``,
};

/**
 * The three files scripts/export_lpips.py writes for `--net alex|vgg` (an LPIPS manifest, its network and its lin
 * weights: contracts/manifest/lpips-manifest.schemas.ts), under whatever folder they are named in.
 */
const LPIPS_EXPORT = /(?:^|\/)lpips_(alex|vgg)(?:\.json|\.onnx|_lin\.npz)$/;

/** How scripts/export_lpips.py makes the LPIPS files at `out` (a path under the models directory). */
function lpipsExport(net: string, out: string): string {
  const dir = out.includes('/') ? out.slice(0, out.lastIndexOf('/')) : '.';
  const weights = net === 'alex' ? 'AlexNet' : 'VGG16';
  return (
    `make it with \`python scripts/export_lpips.py --net ${net} --out-dir ${dir}\`, which writes lpips_${net}.json, lpips_${net}.onnx ` +
    `and lpips_${net}_lin.npz there (pip install lpips torch torchvision onnx; torchvision downloads the ${weights} ImageNet ` +
    `weights from download.pytorch.org, the lin weights ship inside lpips)`
  );
}

/** The `source` of LPIPS files (a manifest, its network, its lin weights): made by this script, published by nobody. */
export const LPIPS_EXPORT_SOURCE = 'scripts/export_lpips.py';

/** For a file a genbench command makes: how to make it at `out`; undefined for files that are downloaded as they are. */
export function howToMake(asset: Pick<AssetRef, 'file'> & { source?: string }, out: string): string | undefined {
  const lpips = LPIPS_EXPORT.exec(asset.file);
  if (lpips) return lpipsExport(lpips[1]!, out);
  if (asset.source === LPIPS_EXPORT_SOURCE)
    return (
      `make it with \`python scripts/export_lpips.py --net alex|vgg\` (pip install lpips torch torchvision onnx) and put it at ${out}, ` +
      'the name its LPIPS manifest gives it'
    );
  return MADE_BY[asset.file]?.(out);
}

/** How to obtain a missing asset and where to put it, in one phrase ("download it from … and put it at …"). */
export function howToGet(asset: AssetRef, expectedPath: string): string {
  return howToMake(asset, expectedPath) ?? `download it from ${asset.source} and put it at ${expectedPath}`;
}
