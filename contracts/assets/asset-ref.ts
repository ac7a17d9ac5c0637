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

/** For a file a genbench command makes: how to make it at `out`; undefined for files that are downloaded as they are. */
export function howToMake(asset: Pick<AssetRef, 'file'>, out: string): string | undefined {
  return MADE_BY[asset.file]?.(out);
}

/** How to obtain a missing asset and where to put it, in one phrase ("download it from … and put it at …"). */
export function howToGet(asset: AssetRef, expectedPath: string): string {
  return howToMake(asset, expectedPath) ?? `download it from ${asset.source} and put it at ${expectedPath}`;
}
