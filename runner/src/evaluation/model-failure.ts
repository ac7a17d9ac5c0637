/**
 * The submitted model itself is at fault (bad outputs, a crash inside its graph, a time-out): the
 * evaluation ends as failed with this message, written for the submitter, and is never retried.
 * Every other error is treated as an infrastructure fault and retried.
 */
export class ModelFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelFailure';
  }
}
