import type { FailureKind } from '../../../contracts/jobs/runner-api.schemas.js';

/**
 * An evaluation that cannot succeed by being run again, with who must act: the submitted model's author
 * (`model`, ModelFailure) or an admin (`suite`: the suite's pinned data or the runner's configuration,
 * SuiteFailure). The message is written for that person; the runner logs it with its stack and cause.
 * Any other error is an infrastructure fault (a lost connection, a file missing on this runner): retried.
 */
export class EvaluationFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EvaluationFailure';
  }
}

/**
 * The suite itself cannot be scored as defined (a pinned reference batch of the wrong dtype, a dataset
 * with no labelled pixels, a stored definition the runner no longer reads): every model would fail the
 * same way, so it is not retried and an admin must fix the suite or the runner.
 */
export class SuiteFailure extends EvaluationFailure {
  constructor(message: string, options?: { cause?: unknown }) {
    super('suite', message, options);
    this.name = 'SuiteFailure';
  }
}

/** Who must act on `err`: its own kind for an EvaluationFailure, otherwise infrastructure (retried). */
export function failureKindOf(err: unknown): FailureKind {
  return err instanceof EvaluationFailure ? err.kind : 'infrastructure';
}

/** What the runner logs of a failure: the message, the stack and the chain of causes, nothing cut. */
export function describeError(err: unknown): { message: string; stack?: string; causes?: string[] } {
  if (!(err instanceof Error)) return { message: String(err) };
  const causes: string[] = [];
  for (let c: unknown = err.cause, depth = 0; c !== undefined && depth < 8; c = (c as Error).cause, depth++)
    causes.push(c instanceof Error ? (c.stack ?? `${c.name}: ${c.message}`) : JSON.stringify(c));
  return { message: err.message, stack: err.stack, ...(causes.length ? { causes } : {}) };
}
