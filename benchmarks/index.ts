// Every suite the service knows. Adding a suite = adding a *.suite.ts file and one line here.
import type { SuiteDefinition } from '../runner/src/suites/suite.schemas.js';
import smoke32 from './smoke/smoke-32.suite.js';

export const SUITES: readonly SuiteDefinition[] = [smoke32];

export function findSuite(id: string): SuiteDefinition | undefined {
  return SUITES.find((s) => s.id === id);
}
