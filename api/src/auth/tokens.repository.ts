import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { ApiToken, Prisma, TokenRole } from '../generated/prisma/client.js';

/** Every column but the hash: what an admin may see of a token. */
const SUMMARY = {
  id: true,
  name: true,
  role: true,
  owner: true,
  dailyQuota: true,
  expiresAt: true,
  revokedAt: true,
  createdAt: true,
  lastUsedAt: true,
} satisfies Prisma.ApiTokenSelect;
export type TokenSummaryRow = Prisma.ApiTokenGetPayload<{ select: typeof SUMMARY }>;

export type TokenState = 'active' | 'revoked' | 'expired';

@Injectable()
export class TokensRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  findByHash(tokenHash: string): Promise<ApiToken | null> {
    return this.prisma.apiToken.findUnique({ where: { tokenHash } });
  }

  findSummary(id: string): Promise<TokenSummaryRow | null> {
    return this.prisma.apiToken.findUnique({ where: { id }, select: SUMMARY });
  }

  /** Newest first; `state` is evaluated at `now` (revoked wins over expired). */
  list(filter: {
    owner?: string;
    role?: TokenRole;
    state?: TokenState;
    now: Date;
    take: number;
    skip: number;
  }): Promise<[TokenSummaryRow[], number]> {
    const state: Prisma.ApiTokenWhereInput =
      filter.state === 'revoked'
        ? { revokedAt: { not: null } }
        : filter.state === 'expired'
          ? { revokedAt: null, expiresAt: { lte: filter.now } }
          : filter.state === 'active'
            ? { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: filter.now } }] }
            : {};
    const where: Prisma.ApiTokenWhereInput = { owner: filter.owner, role: filter.role, ...state };
    return this.prisma.$transaction([
      this.prisma.apiToken.findMany({
        where,
        select: SUMMARY,
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        take: filter.take,
        skip: filter.skip,
      }),
      this.prisma.apiToken.count({ where }),
    ]);
  }

  create(data: {
    name: string;
    tokenHash: string;
    role: TokenRole;
    owner: string;
    expiresAt?: Date | null;
    dailyQuota?: number | null;
  }): Promise<ApiToken> {
    return this.prisma.apiToken.create({ data });
  }

  /** Sets revokedAt once: revoking a revoked token keeps its first time. False when no token was changed. */
  async revoke(id: string): Promise<boolean> {
    const r = await this.prisma.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
    return r.count > 0;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.prisma.apiToken.updateMany({ where: { id }, data: { lastUsedAt: at } });
  }
}
