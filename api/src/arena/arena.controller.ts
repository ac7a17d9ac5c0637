import { createReadStream } from 'node:fs';
import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/auth.guard.js';
import type { Principal } from '../auth/tokens.service.js';
import { ApiErrors, ApiFileResponse, ApiZodBody, ApiZodParam, ApiZodQuery, ApiZodResponse } from '../common/openapi.js';
import { parseInput } from '../common/zod-validation.js';
import {
  ARENA_SESSION_HEADER,
  BoardQuery,
  BoardView,
  DiscardBody,
  DiscardView,
  PairId,
  PairRequest,
  PairView,
  RecomputeBody,
  RecomputeView,
  SessionView,
  SuiteIdParam,
  VoteBody,
  VoteView,
  VoterList,
} from './arena.schemas.js';
import { ArenaService } from './arena.service.js';

const VOTER_HEADER = {
  name: ARENA_SESSION_HEADER,
  required: false,
  description: 'an anonymous voter session (POST /api/arena/sessions); not needed with a token',
};

@ApiTags('arena')
@Controller('api/arena')
export class ArenaController {
  constructor(@Inject(ArenaService) private readonly arena: ArenaService) {}

  @Post('sessions')
  @ApiOperation({ summary: 'An anonymous voter session token (shown once)' })
  @ApiZodResponse(SessionView, { status: 201, description: 'Created' })
  createSession() {
    return this.arena.createSession();
  }

  @Post('pairs')
  @ApiOperation({ summary: "Two anonymous public models' samples for the same condition of a suite, chosen to be informative" })
  @ApiHeader(VOTER_HEADER)
  @ApiZodBody(PairRequest)
  @ApiZodResponse(PairView, { status: 201, description: 'Created' })
  @ApiErrors(401)
  async pair(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal | undefined,
    @Headers(ARENA_SESSION_HEADER) session: string | undefined,
  ) {
    const q = parseInput(PairRequest, body, 'pair request');
    return this.arena.nextPair(await this.arena.voterOf(principal, session), q.suiteId);
  }

  @Get('pairs/:id/left.png')
  @ApiOperation({ summary: "The left model's kept sample at the pair's index (an animated WebP on video suites)" })
  @ApiZodParam('id', PairId)
  @ApiFileResponse(['image/png', 'image/webp'], 'The kept sample')
  left(@Param('id') id: string) {
    return this.image(id, 'left');
  }

  @Get('pairs/:id/right.png')
  @ApiOperation({ summary: "The right model's kept sample at the pair's index (an animated WebP on video suites)" })
  @ApiZodParam('id', PairId)
  @ApiFileResponse(['image/png', 'image/webp'], 'The kept sample')
  right(@Param('id') id: string) {
    return this.image(id, 'right');
  }

  private async image(id: string, side: 'left' | 'right') {
    const { path, mediaType } = await this.arena.image(parseInput(PairId, id, 'pair id'), side);
    return new StreamableFile(createReadStream(path), {
      type: mediaType,
      disposition: `inline; filename="${side}.${mediaType === 'image/webp' ? 'webp' : 'png'}"`,
    });
  }

  @Post('pairs/:id/vote')
  @ApiOperation({ summary: "Vote on a pair (left, right, tie, both bad); the answer reveals the two models' names" })
  @ApiHeader(VOTER_HEADER)
  @ApiZodParam('id', PairId)
  @ApiZodBody(VoteBody)
  @ApiZodResponse(VoteView, { status: 201, description: 'Recorded' })
  @ApiErrors(401, 409)
  async vote(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal | undefined,
    @Headers(ARENA_SESSION_HEADER) session: string | undefined,
  ) {
    const pairId = parseInput(PairId, id, 'pair id');
    const choice = parseInput(VoteBody, body, 'vote');
    return this.arena.vote(await this.arena.voterOf(principal, session), pairId, choice);
  }

  @Get('boards/:suiteId')
  @ApiOperation({ summary: "A suite's arena board: Bradley–Terry ratings with 95% intervals, and each metric's Kendall τ with them" })
  @ApiZodParam('suiteId', SuiteIdParam)
  @ApiZodQuery(BoardQuery)
  @ApiZodResponse(BoardView)
  board(@Param('suiteId') suiteId: string, @Query() query: unknown) {
    return this.arena.board(parseInput(SuiteIdParam, suiteId, 'suite id'), parseInput(BoardQuery, query, 'query').sort);
  }

  @Post('ratings')
  @HttpCode(201)
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Recompute the arena ratings now (every suite with votes, or one) as new rating versions' })
  @ApiZodBody(RecomputeBody)
  @ApiZodResponse(RecomputeView, { status: 201, description: 'Stored' })
  @ApiErrors(409)
  recompute(@Body() body: unknown) {
    return this.arena.recompute(parseInput(RecomputeBody, body ?? {}, 'recompute').suiteId);
  }

  @Get('voters')
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Every voter with their vote counts' })
  @ApiZodResponse(VoterList)
  voters() {
    return this.arena.voters();
  }

  @Post('voters/discard')
  @HttpCode(200)
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: "Discard a voter's votes: they count in no later rating" })
  @ApiZodBody(DiscardBody)
  @ApiZodResponse(DiscardView)
  discard(@Body() body: unknown) {
    return this.arena.discard(parseInput(DiscardBody, body, 'discard').voter);
  }
}
