import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { Prisma } from '../generated/prisma/client.js';

/**
 * One place where persistence errors become HTTP: unique violation → 409, missing row → 404, the database
 * unreachable → 503 (clients retry; nothing was written). Anything else unexpected is a 500 with no internals.
 */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly log = new Logger('errors');

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (err instanceof HttpException) {
      const body = err.getResponse();
      res.status(err.getStatus()).json(typeof body === 'string' ? { statusCode: err.getStatus(), message: body } : body);
      return;
    }
    if (err instanceof Prisma.PrismaClientKnownRequestError) {
      if (err.code === 'P2002') return void res.status(409).json({ statusCode: 409, message: 'that record already exists' });
      if (err.code === 'P2025') return void res.status(404).json({ statusCode: 404, message: 'not found' });
    }
    if (isDatabaseUnavailable(err)) {
      res.setHeader('Retry-After', '5');
      return void res.status(503).json({ statusCode: 503, message: 'the database is unavailable; retry shortly' });
    }
    this.log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    res.status(500).json({ statusCode: 500, message: 'internal error' });
  }
}

export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    const msg = String((e as { message?: unknown }).message ?? '');
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === '57P01' || code === '57P03' || code === 'P1001' || code === 'P1017') return true;
    if (/ECONNREFUSED|Connection terminated|terminating connection|the database system is (starting up|shutting down)|Can't reach database/i.test(msg)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return err instanceof Prisma.PrismaClientInitializationError;
}
