import { type ErrorAnswer, errorAnswer } from './error-answer.js';

/**
 * Errors of body-parser and multer that are not HttpExceptions, as HTTP: their own 4xx status (malformed
 * JSON, too many fields, …), or 400 for a MulterError. Undefined for any other error.
 */
export function requestErrorAnswer(err: unknown): ErrorAnswer | undefined {
  const status = (err as { status?: unknown; statusCode?: unknown })?.status ?? (err as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const type = (err as { type?: string }).type;
    const message =
      type === 'entity.parse.failed' ? `malformed JSON body: ${(err as Error).message}` : (err as Error).message || 'bad request';
    return errorAnswer(status, message);
  }
  if ((err as { name?: string })?.name === 'MulterError') return errorAnswer(400, `bad multipart upload: ${(err as Error).message}`);
  return undefined;
}
