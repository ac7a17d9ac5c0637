import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { ApiToken, TokenRole } from '../generated/prisma/client.js';

@Injectable()
export class TokensRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  findByHash(tokenHash: string): Promise<ApiToken | null> {
    return this.prisma.apiToken.findUnique({ where: { tokenHash } });
  }

  create(data: { name: string; tokenHash: string; role: TokenRole; owner: string; expiresAt?: Date | null }): Promise<ApiToken> {
    return this.prisma.apiToken.create({ data });
  }

  async touch(id: string): Promise<void> {
    await this.prisma.apiToken.update({ where: { id }, data: { lastUsedAt: new Date() } });
  }
}
