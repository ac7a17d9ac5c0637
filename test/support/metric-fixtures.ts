// Access to the shared reference fixtures (../shared/fixtures/metrics) and the project's own CLIP fixtures
// (runner/src/metrics/fixtures) for the specs.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpz } from '../../runner/src/io/npz.js';
import type { FeatureSet } from '../../runner/src/metrics/precision-recall.js';

export const METRIC_FIXTURES = join(import.meta.dirname, '../../../shared/fixtures/metrics');

export interface FixtureCase {
  samples: string;
  reference?: string;
  fid?: number;
  sfid?: number;
  inception_score?: number;
  precision?: number;
  recall?: number;
}

export const EXPECTED = JSON.parse(readFileSync(join(METRIC_FIXTURES, 'expected.json'), 'utf8')) as Record<string, FixtureCase>;

export const fixture = (name: string) => join(METRIC_FIXTURES, name);

/** |got − want| / |want| */
export const relErr = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

const CLIP_FIXTURES = join(import.meta.dirname, '../../runner/src/metrics/fixtures');

export const CLIP_EXPECTED = JSON.parse(readFileSync(join(CLIP_FIXTURES, 'clip-references.json'), 'utf8')) as Record<
  string,
  { clip_score: number; negative_cosines: number; cmmd: number }
>;

export const CLIP_FIXTURE_FILE = join(CLIP_FIXTURES, 'clip-references.npz');

/** One [N, D] float32 array of clip-references.npz as a feature set. */
export async function clipFixture(name: string): Promise<FeatureSet> {
  const a = (await readNpz(CLIP_FIXTURE_FILE))[name];
  return { data: a.data as Float32Array, rows: a.shape[0], dim: a.shape[1] };
}
