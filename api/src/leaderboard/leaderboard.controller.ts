import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { exportRows, toCsv } from './leaderboard-export.js';
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

  /** The same view as GET /api/leaderboards, as CSV or JSON rows (one per entry), for scripts and downloads. */
  @Get('export')
  async export(@Query() query: Record<string, unknown>, @CurrentPrincipal() principal: Principal | undefined, @Res() res: Response) {
    const { format, ...rest } = query;
    const fmt = parseInput(z.enum(['csv', 'json']).default('csv'), format, 'format');
    const q = parseInput(LeaderboardQuery, { limit: '1000', ...rest }, 'query');
    const { boards } = await this.leaderboard.boards(q, principal);
    const rows = exportRows(boards);
    const name = `genbench-leaderboard${q.task ? '-' + q.task : ''}${q.resolution ? '-' + q.resolution : ''}`;
    if (fmt === 'json') {
      res.setHeader('Content-Disposition', `attachment; filename="${name}.json"`);
      res.json(rows);
      return;
    }
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
    res.send(toCsv(rows));
  }
}
