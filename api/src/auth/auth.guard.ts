import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  createParamDecorator,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { TokenRole } from '../generated/prisma/client.js';
import { AuthFailureLimiter, clientAddress } from './auth-failures.js';
import { type Principal, TokensService } from './tokens.service.js';

export const ROLES_KEY = 'genbench:roles';
/** Routes without @Roles are public; with it, a bearer token of one of the listed roles is required (admin is not implied). */
export const Roles = (...roles: TokenRole[]) => SetMetadata(ROLES_KEY, roles);

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal | undefined => {
  return (ctx.switchToHttp().getRequest<Request>() as Request & { principal?: Principal }).principal;
});

const MESSAGES = {
  missing: 'an API token is required: send "Authorization: Bearer <token>"',
  unknown: 'the API token is not valid',
  expired: 'the API token has expired',
  revoked: 'the API token has been revoked',
} as const;

/** "an admin token", "a submitter or admin token": the roles a route accepts, as a sentence says them. */
export function tokenOfRoles(roles: readonly string[]): string {
  const words = roles.join(' or ');
  return `${/^[aeiou]/i.test(words) ? 'an' : 'a'} ${words} token`;
}

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TokensService) private readonly tokens: TokensService,
    @Inject(AuthFailureLimiter) private readonly failures: AuthFailureLimiter,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const roles = this.reflector.getAllAndOverride<TokenRole[] | undefined>(ROLES_KEY, [ctx.getHandler(), ctx.getClass()]);
    const req = ctx.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const header = req.headers.authorization;
    const secret = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (!roles && !secret) return true;
    const address = clientAddress(req);
    if (secret) {
      // Before any lookup: an address that keeps failing costs nothing more, whatever it sends next.
      const wait = this.failures.blockedFor(address);
      if (wait !== undefined) {
        ctx.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(wait));
        throw new HttpException(
          {
            statusCode: HttpStatus.TOO_MANY_REQUESTS,
            message:
              `too many failed authentications from your address (more than ${this.failures.limitPerMinute} a minute, ` +
              `GENBENCH_AUTH_FAILURES_PER_MINUTE); retry in ${wait} s`,
          },
          HttpStatus.TOO_MANY_REQUESTS,
        );
      }
    }
    const p = await this.tokens.authenticate(secret);
    if (typeof p === 'string' && p !== 'missing') this.failures.recordFailure(address);
    if (!roles) {
      // Public route: still identify the caller when a valid token is sent (e.g. owners see their own entries).
      if (typeof p === 'object') req.principal = p;
      return true;
    }
    if (p === 'missing')
      throw new UnauthorizedException(`this endpoint needs ${tokenOfRoles(roles)}: send "Authorization: Bearer <token>"`);
    if (typeof p === 'string') throw new UnauthorizedException(MESSAGES[p]);
    if (!roles.includes(p.role)) {
      throw new ForbiddenException(`this endpoint needs ${tokenOfRoles(roles)}; yours is ${tokenOfRoles([p.role])}`);
    }
    req.principal = p;
    return true;
  }
}
