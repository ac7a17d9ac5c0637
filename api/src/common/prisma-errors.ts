import { Prisma } from '../generated/prisma/client.js';
import { type ErrorAnswer, errorAnswer } from './error-answer.js';

/**
 * Prisma and PostgreSQL errors as HTTP: unique violation → 409, missing row → 404, a reference to a missing
 * row → 400, the database unreachable → 503 with Retry-After (clients retry; nothing was written).
 * Undefined for any other error.
 */
export function prismaErrorAnswer(err: unknown): ErrorAnswer | undefined {
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    if (err.code === 'P2002') return errorAnswer(409, 'that record already exists');
    if (err.code === 'P2025') return errorAnswer(404, 'not found');
    if (err.code === 'P2003') return errorAnswer(400, 'the request refers to a record that does not exist');
  }
  if (isDatabaseUnavailable(err)) return errorAnswer(503, 'the database is unavailable; retry shortly', { 'Retry-After': '5' });
  return undefined;
}

/** Whether `err` (or one of its causes) says PostgreSQL cannot be reached or is going away. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    const message = (e as { message?: unknown }).message;
    const msg = typeof message === 'string' ? message : '';
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === '57P01' || code === '57P03' || code === 'P1001' || code === 'P1017')
      return true;
    if (
      /ECONNREFUSED|Connection terminated|terminating connection|the database system is (starting up|shutting down)|Can't reach database/i.test(
        msg,
      )
    )
      return true;
    e = (e as { cause?: unknown }).cause;
  }
  return err instanceof Prisma.PrismaClientInitializationError;
}
