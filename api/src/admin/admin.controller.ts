import { Body, Controller, Delete, HttpCode, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.guard.js';
import { TokensService } from '../auth/tokens.service.js';
import { parseInput } from '../common/zod-validation.js';
import { ReconcilerService } from '../reconciler/reconciler.service.js';
import { CreateTokenBody, TokenId } from './admin.schemas.js';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/admin')
export class AdminController {
  constructor(
    @Inject(TokensService) private readonly tokens: TokensService,
    @Inject(ReconcilerService) private readonly reconciler: ReconcilerService,
  ) {}

  /** Issues a token; the secret is in this response only. */
  @Post('tokens')
  async createToken(@Body() body: unknown) {
    const b = parseInput(CreateTokenBody, body, 'token');
    const { id, secret } = await this.tokens.issue({
      name: b.name,
      role: b.role,
      owner: b.owner,
      dailyQuota: b.dailyQuota ?? null,
      expiresAt: b.expiresInDays ? new Date(Date.now() + b.expiresInDays * 86_400_000) : null,
    });
    return { id, secret, role: b.role, owner: b.owner };
  }

  @Delete('tokens/:id')
  async revokeToken(@Param('id') id: string) {
    if (!(await this.tokens.revoke(parseInput(TokenId, id, 'token id')))) throw new NotFoundException(`no active token ${id}`);
    return { revoked: id };
  }

  /** Runs a reconciliation pass now (it also runs periodically). */
  @Post('reconcile')
  @HttpCode(200)
  reconcile() {
    return this.reconciler.reconcile(0);
  }
}
