import { SuiteDefinition } from '../../../contracts/suites/suite.schemas.js';

/**
 * A suite version whose stored definition today's suite schema no longer accepts (a suite removed from
 * benchmarks/ before a schema change, or a row edited by hand). Versions benchmarks/ still declares are
 * checked at start-up (SuitesService.sync), so this names an old version, and which fields fail.
 */
export class StoredSuiteDefinitionError extends Error {
  constructor(
    readonly suiteId: string,
    readonly version: number,
    issues: string,
    options?: { cause?: unknown },
  ) {
    super(`suite ${suiteId} v${version}: its stored definition does not validate against today's suite schema (${issues})`, options);
    this.name = 'StoredSuiteDefinitionError';
  }
}

/** A `SuiteVersion` row's definition, parsed: every read goes through here instead of a cast. */
export function parseStoredDefinition(row: { suiteId: string; version: number; definition: unknown }): SuiteDefinition {
  const parsed = SuiteDefinition.safeParse(row.definition);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
  throw new StoredSuiteDefinitionError(row.suiteId, row.version, issues, { cause: parsed.error });
}
