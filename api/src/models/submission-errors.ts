/** Why a submission was refused after validation; the service answers 409 with these. */

/** A model of that owner and name exists with another kind. */
export class SubmissionKindConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubmissionKindConflictError';
  }
}

/** The same file(s) and manifest were already submitted by this owner: nothing new to score. */
export class DuplicateSubmissionError extends Error {
  constructor(
    readonly existing: { modelId: string; modelName: string; version: number; versionId: string; visibility: 'public' | 'private' },
  ) {
    super(`this file and manifest were already submitted as ${existing.modelName} v${existing.version}`);
    this.name = 'DuplicateSubmissionError';
  }
}
