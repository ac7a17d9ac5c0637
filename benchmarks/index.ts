// Every suite the service knows. Adding a suite = adding a *.suite.ts file and one line here.
import type { SuiteDefinition } from '../runner/src/suites/suite.schemas.js';
import imagenet128Cond from './imagenet/imagenet-128-cond.suite.js';
import imagenet128Uncond from './imagenet/imagenet-128-uncond.suite.js';
import imagenet256Cond from './imagenet/imagenet-256-cond.suite.js';
import imagenet256Uncond from './imagenet/imagenet-256-uncond.suite.js';
import imagenet512Cond from './imagenet/imagenet-512-cond.suite.js';
import imagenet512Uncond from './imagenet/imagenet-512-uncond.suite.js';
import imagenet64Cond from './imagenet/imagenet-64-cond.suite.js';
import imagenet64Uncond from './imagenet/imagenet-64-uncond.suite.js';
import smoke32 from './smoke/smoke-32.suite.js';

export const SUITES: readonly SuiteDefinition[] = [
  smoke32,
  imagenet64Cond,
  imagenet64Uncond,
  imagenet128Cond,
  imagenet128Uncond,
  imagenet256Cond,
  imagenet256Uncond,
  imagenet512Cond,
  imagenet512Uncond,
];

export function findSuite(id: string): SuiteDefinition | undefined {
  return SUITES.find((s) => s.id === id);
}
