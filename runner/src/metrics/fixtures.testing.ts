// Access to the shared reference fixtures (../shared/fixtures/metrics) for the specs.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const METRIC_FIXTURES = join(import.meta.dirname, '../../../../shared/fixtures/metrics');

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
