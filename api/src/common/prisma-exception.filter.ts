import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { Request, Response } from 'express';
import { closeAfterAnswer, type PayloadLimit, PayloadLimitExceededException } from './payload-limit.js';
import { Prisma } from '../generated/prisma/client.js';

/**
 * One place where errors become HTTP: malformed bodies → 400, oversized uploads → 413 with the limit,
 * unique violation → 409, missing row → 404, the database unreachable → 503 (clients retry; nothing was
 * written). Anything else unexpected is a 500 with no internals.
 */
@Catch()
@Injectable()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly log = new Logger('errors');

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (err instanceof HttpException) {
      const status = err.getStatus();
      if (status === 413) {
        const req = host.switchToHttp().getRequest<Request>();
        // The rest of an oversized body is not read: the connection closes after the answer instead.
        if (!req.complete) closeAfterAnswer(req, res);
        const limit = err instanceof PayloadLimitExceededException ? err.limit : this.limitOf(err, req);
        return void res.status(413).json(limit ? new PayloadLimitExceededException(limit).getResponse() : err.getResponse());
      }
      // Nest maps body-parser's SyntaxError to a bare 400; say what it is about.
      if (err.cause instanceof SyntaxError && (err.cause as { type?: string }).type === 'entity.parse.failed') {
        return void res.status(400).json({ statusCode: 400, message: `malformed JSON body: ${err.cause.message}` });
      }
      const body = err.getResponse();
      res.status(status).json(typeof body === 'string' ? { statusCode: status, message: body } : body);
      return;
    }
    // body-parser and multer errors carry their own 4xx status (malformed JSON, too many fields, …).
    const status = (err as { status?: unknown; statusCode?: unknown })?.status ?? (err as { statusCode?: unknown })?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const type = (err as { type?: string }).type;
      const message =
        type === 'entity.parse.failed' ? `malformed JSON body: ${(err as Error).message}` : (err as Error).message || 'bad request';
      return void res.status(status).json({ statusCode: status, message });
    }
    if ((err as { name?: string })?.name === 'MulterError') {
      return void res.status(400).json({ statusCode: 400, message: `bad multipart upload: ${(err as Error).message}` });
    }
    if (err instanceof Prisma.PrismaClientKnownRequestError) {
      if (err.code === 'P2002') return void res.status(409).json({ statusCode: 409, message: 'that record already exists' });
      if (err.code === 'P2025') return void res.status(404).json({ statusCode: 404, message: 'not found' });
      if (err.code === 'P2003')
        return void res.status(400).json({ statusCode: 400, message: 'the request refers to a record that does not exist' });
    }
    if (isDatabaseUnavailable(err)) {
      res.setHeader('Retry-After', '5');
      return void res.status(503).json({ statusCode: 503, message: 'the database is unavailable; retry shortly' });
    }
    this.log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    res.status(500).json({ statusCode: 500, message: 'internal error' });
  }

  /** Which limit a 413 raised by body-parser or multer is about (their errors are the exception's cause). */
  private limitOf(err: HttpException, req: Request): PayloadLimit | undefined {
    const cause = err.cause as { type?: unknown; limit?: unknown; code?: unknown; field?: unknown } | undefined;
    if (cause?.type === 'entity.too.large' && typeof cause.limit === 'number') {
      return req.is('json')
        ? { subject: 'the JSON body', path: 'body', bytes: cause.limit, setting: 'GENBENCH_MAX_JSON_MB' }
        : { subject: 'the request body', path: 'body', bytes: cause.limit, setting: 'fixed' };
    }
    if (cause?.code === 'LIMIT_FILE_SIZE') {
      const field = typeof cause.field === 'string' ? cause.field : 'file';
      const subject = field === 'decoder' ? 'the decoder' : field === 'file' ? 'the uploaded file' : `the file "${field}"`;
      return { subject, path: field, bytes: this.config.maxUploadBytes, setting: 'GENBENCH_MAX_UPLOAD_MB' };
    }
    return undefined;
  }
}

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
