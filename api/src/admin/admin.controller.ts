import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Roles } from '../auth/auth.guard.js';
import { type Principal, TokensService } from '../auth/tokens.service.js';
import { ApiErrors, ApiZodBody, ApiZodParam, ApiZodQuery, ApiZodResponse, CONTENT_RANGE } from '../common/openapi.js';
import { parseInput } from '../common/zod-validation.js';
import { ReconcilerService } from '../reconciler/reconciler.service.js';
import { ArtifactSweeperService } from '../artifacts/artifact-sweeper.service.js';
import {
  CreateTokenBody,
  CreatedToken,
  ListTokensQuery,
  ReconcileReportView,
  RevokeTokenQuery,
  SweepArtifactsQuery,
  SweepReportView,
  TokenId,
  TokenPage,
  TokenView,
} from './admin.schemas.js';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/admin')
export class AdminController {
  constructor(
    @Inject(TokensService) private readonly tokens: TokensService,
    @Inject(ReconcilerService) private readonly reconciler: ReconcilerService,
    @Inject(ArtifactSweeperService) private readonly sweeper: ArtifactSweeperService,
  ) {}

  /**
   * Lists tokens, newest first, without their secrets (only hashes are stored, and those are not shown
   * either); the total is also sent as Content-Range for react-admin's data provider.
   */
  @Get('tokens')
  @ApiOperation({ summary: 'List tokens, newest first, without their secrets; the total is also in Content-Range' })
  @ApiZodQuery(ListTokensQuery)
  @ApiZodResponse(TokenPage, { headers: CONTENT_RANGE })
  async listTokens(@Query() query: unknown, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) res: Response) {
    const q = parseInput(ListTokensQuery, query, 'query');
    const page = await this.tokens.list(q, principal);
    res.setHeader('Content-Range', `tokens ${q.offset}-${q.offset + page.items.length}/${page.total}`);
    res.setHeader('Access-Control-Expose-Headers', 'Content-Range');
    return page;
  }

  /** Issues a token; the secret is in this response only. */
  @Post('tokens')
  @ApiOperation({ summary: 'Issue a token (its secret is in this response only)' })
  @ApiZodBody(CreateTokenBody)
  @ApiZodResponse(CreatedToken, { status: 201, description: 'Issued' })
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

  /**
   * Revokes a token: from now on it gets 401. Idempotent (a revoked token keeps its first revocation time);
   * 404 for an unknown id; 409 for the token of this very request unless `?self=true`.
   */
  @Delete('tokens/:id')
  @ApiOperation({ summary: 'Revoke a token (idempotent); 409 for the token of this request unless ?self=true' })
  @ApiZodParam('id', TokenId)
  @ApiZodQuery(RevokeTokenQuery)
  @ApiZodResponse(TokenView, { description: 'The revoked token' })
  @ApiErrors(409)
  revokeToken(@Param('id') id: string, @Query() query: unknown, @CurrentPrincipal() principal: Principal) {
    const { self } = parseInput(RevokeTokenQuery, query, 'query');
    return this.tokens.revoke(parseInput(TokenId, id, 'token id'), principal, { self });
  }

  /** Runs a reconciliation pass now (it also runs periodically). */
  @Post('reconcile')
  @ApiOperation({ summary: 'Run a reconciliation pass now (re-queue what Redis lost, fail what cannot run)' })
  @ApiZodResponse(ReconcileReportView)
  @HttpCode(200)
  reconcile() {
    return this.reconciler.reconcile(0);
  }

  /**
   * Removes stored files (models, decoders, sample grids) that no row references and that are older than the
   * grace period (`?graceSeconds=` overrides GENBENCH_ARTIFACT_SWEEP_GRACE_S); answers what was removed and
   * what was kept. It also runs every GENBENCH_ARTIFACT_SWEEP_INTERVAL_S.
   */
  @Post('artifacts/sweep')
  @ApiOperation({ summary: 'Remove stored files no row references, older than the grace period' })
  @ApiZodQuery(SweepArtifactsQuery)
  @ApiZodResponse(SweepReportView)
  @HttpCode(200)
  sweepArtifacts(@Query() query: unknown) {
    const { graceSeconds } = parseInput(SweepArtifactsQuery, query, 'query');
    return this.sweeper.sweep(graceSeconds === undefined ? undefined : graceSeconds * 1000);
  }
}
