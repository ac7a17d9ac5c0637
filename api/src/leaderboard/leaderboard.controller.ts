import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.guard.js';
import type { Principal } from '../auth/tokens.service.js';
import { parseInput } from '../common/zod-validation.js';
import { LeaderboardQuery } from './leaderboard.schemas.js';
import { LeaderboardService } from './leaderboard.service.js';

@ApiTags('leaderboards')
@Controller('api/leaderboards')
export class LeaderboardController {
  constructor(@Inject(LeaderboardService) private readonly leaderboard: LeaderboardService) {}

  @Get()
  boards(@Query() query: unknown, @CurrentPrincipal() principal: Principal | undefined) {
    return this.leaderboard.boards(parseInput(LeaderboardQuery, query, 'query'), principal);
  }
}
