import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AuthFailureLimiter, clientAddress } from '../auth/auth-failures.js';
import { tokenOfRoles } from '../auth/auth.guard.js';
import { type Principal, TokensService } from '../auth/tokens.service.js';
import { UploadStore, UPLOADS_PATH } from './upload-store.js';

const ROLES = ['submitter', 'admin'] as const;

function answer(res: Response, status: number, message: string, headers: Record<string, string> = {}): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.status(status).json({ statusCode: status, message });
}

/**
 * The tus endpoint (/api/uploads and /api/uploads/<id>), mounted as Nest middleware: tus is a protocol of
 * its own (POST, HEAD, PATCH, DELETE on one resource, streamed bodies, its own headers), which @tus/server
 * answers whole, so it sits beside the controllers rather than behind a route handler. It takes the same
 * submitter or admin token as POST /api/models, with the same failed-authentication limit, and a request
 * naming an upload of another token is answered 404, as if it did not exist.
 */
@Injectable()
export class UploadsMiddleware implements NestMiddleware {
  constructor(
    @Inject(UploadStore) private readonly uploads: UploadStore,
    @Inject(TokensService) private readonly tokens: TokensService,
    @Inject(AuthFailureLimiter) private readonly failures: AuthFailureLimiter,
  ) {}

  async use(req: Request & { principal?: Principal }, res: Response, next: NextFunction): Promise<void> {
    try {
      const principal = await this.authenticate(req, res);
      if (!principal) return;
      req.principal = principal;
      const id = new URL(req.originalUrl, 'http://x').pathname.slice(UPLOADS_PATH.length).replace(/^\/+|\/+$/g, '');
      if (id !== '' && !(await this.uploads.find(id, principal))) {
        // HEAD answers carry no body; tus clients start a new upload on 404.
        if (req.method === 'HEAD') res.status(404).end();
        else answer(res, 404, `upload ${id} not found: it does not exist, has expired, or was made with another token`);
        return;
      }
      req.url = req.originalUrl;
      await this.uploads.handle(req, res);
    } catch (err) {
      next(err);
    }
  }

  private async authenticate(req: Request, res: Response): Promise<Principal | undefined> {
    const header = req.headers.authorization;
    const secret = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const address = clientAddress(req);
    if (secret) {
      const wait = this.failures.blockedFor(address);
      if (wait !== undefined) {
        answer(res, 429, `too many failed authentications from your address; retry in ${wait} s`, { 'Retry-After': String(wait) });
        return undefined;
      }
    }
    const p = await this.tokens.authenticate(secret);
    if (typeof p === 'string' && p !== 'missing') this.failures.recordFailure(address);
    if (p === 'missing') answer(res, 401, `uploads need ${tokenOfRoles(ROLES)}: send "Authorization: Bearer <token>"`);
    else if (typeof p === 'string') answer(res, 401, `the API token is not valid (${p})`);
    else if (!(ROLES as readonly string[]).includes(p.role))
      answer(res, 403, `uploads need ${tokenOfRoles(ROLES)}; yours is ${tokenOfRoles([p.role])}`);
    else return p;
    return undefined;
  }
}
