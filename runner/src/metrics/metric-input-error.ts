/**
 * Inputs a metric cannot be computed from: mismatched dimensions, NaN/Inf features, too few samples, missing
 * arrays. When the inputs came from a file, the message starts with it.
 */
export class MetricInputError extends Error {
  override readonly name = 'MetricInputError';

  constructor(
    readonly problem: string,
    readonly file?: string,
    options?: { cause?: unknown },
  ) {
    super(file ? `${file}: ${problem}` : problem, options);
  }
}
