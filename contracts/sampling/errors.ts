/**
 * Errors raised by the sampling core. `SamplingConfigError` and `PredictionConversionError` mean the
 * requested combination (schedule, prediction type, time input, solver) cannot work; `DenoiserOutputError`
 * means the network itself misbehaved (wrong output size, non-finite values) and is the submitter's to fix.
 */
export class SamplingConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SamplingConfigError';
  }
}

export class PredictionConversionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PredictionConversionError';
  }
}

export class DenoiserOutputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DenoiserOutputError';
  }
}
