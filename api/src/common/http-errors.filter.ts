import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { Request, Response } from 'express';
import { closeAfterAnswer, type PayloadLimit, PayloadLimitExceededException } from './payload-limit.js';
import type { ErrorAnswer } from './error-answer.js';
import { prismaErrorAnswer } from './prisma-errors.js';
import { requestErrorAnswer } from './request-errors.js';

/**
 * The one place where errors become HTTP answers (`{statusCode, message, issues?}`): HttpExceptions as they
 * say (413 naming the limit, a malformed JSON body named as such), then body-parser and multer errors
 * (request-errors.ts), then Prisma and database errors (prisma-errors.ts). Anything else unexpected is a 500
 * with no internals, logged with its stack.
 */
@Catch()
@Injectable()
export class HttpErrorsFilter implements ExceptionFilter {
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
    const answer = requestErrorAnswer(err) ?? prismaErrorAnswer(err);
    if (answer) return send(res, answer);
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

function send(res: Response, answer: ErrorAnswer): void {
  for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
  res.status(answer.status).json(answer.body);
}
