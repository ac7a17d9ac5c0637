/**
 * onnxruntime's error message on one line and at most 500 characters, as the submitter reads it in a 400 or a
 * failure reason (its messages carry newlines and, for some kernels, whole tensor dumps).
 */
export function onnxErrorText(err: unknown): string {
  return String((err as Error)?.message ?? err)
    .replace(/\s+/g, ' ')
    .slice(0, 500);
}
