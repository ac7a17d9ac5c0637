import type { AppConfig } from '../config/config.js';
import { PrismaService } from '../database/prisma.service.js';
import type { TokenRole } from '../generated/prisma/client.js';
import { TokensRepository } from './tokens.repository.js';
import { TokensService } from './tokens.service.js';

/** Issues a token outside the HTTP server (bootstrap, demo, tests): the first admin has to come from somewhere. */
export async function issueToken(
  config: AppConfig,
  opts: { name: string; role: TokenRole; owner: string; expiresAt?: Date | null; dailyQuota?: number | null },
): Promise<{ secret: string; id: string }> {
  const prisma = new PrismaService(config);
  try {
    return await new TokensService(new TokensRepository(prisma)).issue(opts);
  } finally {
    await prisma.$disconnect();
  }
}
