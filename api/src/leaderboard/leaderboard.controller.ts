import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.guard.js';
import type { Principal } from '../auth/tokens.service.js';
import { ApiContentResponse, ApiZodQuery, ApiZodResponse } from '../common/openapi.js';
import { parseInput } from '../common/zod-validation.js';
import { exportTable, toCsv } from './leaderboard-export.js';
import { LeaderboardExportQuery, LeaderboardExportRow, LeaderboardQuery, Leaderboards } from './leaderboard.schemas.js';
import { LeaderboardService } from './leaderboard.service.js';

@ApiTags('leaderboards')
@Controller('api/leaderboards')
export class LeaderboardController {
  constructor(@Inject(LeaderboardService) private readonly leaderboard: LeaderboardService) {}

  @Get()
  @ApiOperation({ summary: 'One ranked board per suite (its newest version), filtered by the query' })
  @ApiZodQuery(LeaderboardQuery)
  @ApiZodResponse(Leaderboards, {
    writtenByHandler: true,
    headers: {
      ETag: 'of the body: send it back as If-None-Match to get 304 Not Modified while the boards are unchanged',
      'Cache-Control': '`public, no-cache` without a token (everyone sees the same boards), `private, no-cache` with one',
    },
  })
  async boards(@Query() query: unknown, @CurrentPrincipal() principal: Principal | undefined, @Req() req: Request, @Res() res: Response) {
    const view = await this.leaderboard.view(parseInput(LeaderboardQuery, query, 'query'), principal);
    // The body depends on who asks (owners and admins also see private entries): shared caches may keep
    // only the anonymous one, and every cache keys it by the Authorization header; each use revalidates
    // (no-cache), which the ETag makes a 304 while nothing on the boards changed.
    res.setHeader('Cache-Control', principal || req.headers.authorization ? 'private, no-cache' : 'public, no-cache');
    res.setHeader('Vary', 'Authorization');
    res.setHeader('ETag', view.etag);
    res.type('application/json').send(view.body);
  }

  /** The same view as GET /api/leaderboards, as CSV or JSON rows (one per entry; columns: leaderboard-export.ts), for scripts and the dashboard's Export menu. */
  @Get('export')
  @ApiOperation({ summary: 'The leaderboard view as a CSV or JSON download (one row per entry)' })
  @ApiZodQuery(LeaderboardExportQuery)
  @ApiContentResponse({ 'text/csv': { type: 'string' }, 'application/json': LeaderboardExportRow.array() }, 'The rows, as `format` asks')
  async export(@Query() query: unknown, @CurrentPrincipal() principal: Principal | undefined, @Res() res: Response) {
    const { format: fmt, ...q } = parseInput(LeaderboardExportQuery, query, 'query');
    const { boards } = await this.leaderboard.boards(q, principal);
    const table = exportTable(boards);
    const name = `genbench-leaderboard${q.task ? '-' + q.task : ''}${q.resolution ? '-' + q.resolution : ''}`;
    if (fmt === 'json') {
      res.setHeader('Content-Disposition', `attachment; filename="${name}.json"`);
      res.json(table.rows);
      return;
    }
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
    res.send(toCsv(table));
  }
}
