import { EvaluationFailure } from './evaluation-failure.js';

/**
 * The submitted model itself is at fault (bad outputs, a crash inside its graph, a time-out): the
 * evaluation ends as failed with this message, written for the submitter, and is never retried.
 * A suite's own fault is a SuiteFailure; every other error is an infrastructure fault and retried.
 */
export class ModelFailure extends EvaluationFailure {
  constructor(message: string, options?: { cause?: unknown }) {
    super('model', message, options);
    this.name = 'ModelFailure';
  }
}
