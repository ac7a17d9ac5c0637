import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { ApiToken, TokenRole } from '../generated/prisma/client.js';

@Injectable()
export class TokensRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  findByHash(tokenHash: string): Promise<ApiToken | null> {
    return this.prisma.apiToken.findUnique({ where: { tokenHash } });
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

  async revoke(id: string): Promise<boolean> {
    const r = await this.prisma.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
    return r.count > 0;
  }

  async touch(id: string): Promise<void> {
    await this.prisma.apiToken.update({ where: { id }, data: { lastUsedAt: new Date() } });
  }
}
