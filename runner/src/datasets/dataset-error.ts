/**
 * A dataset a suite reads is absent, incomplete or unreadable on this machine. An infrastructure fault,
 * never the submitted model's: the message says which files are expected where.
 */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
}

/** One file or folder a dataset needs that is not where it should be. */
export interface MissingDatasetFile {
  /** Path relative to the datasets directory. */
  file: string;
  expectedPath: string;
  /** Where to download it from, or how to make it. */
  source: string;
}

export type DatasetCheck = { ok: true } | { ok: false; missing: MissingDatasetFile[]; problem: string };

/** Lists a few paths and how many more there are. */
export function firstFew(paths: readonly string[], n = 3): string {
  const shown = paths.slice(0, n).join(', ');
  return paths.length > n ? `${shown} and ${paths.length - n} more` : shown;
}
