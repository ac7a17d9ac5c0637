import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { parseInput } from '../common/zod-validation.js';
import { EvaluationId, ListEvaluationsQuery } from './evaluations.schemas.js';
import { EvaluationsService } from './evaluations.service.js';

@ApiTags('evaluations')
@Controller('api/evaluations')
export class EvaluationsController {
  constructor(@Inject(EvaluationsService) private readonly evaluations: EvaluationsService) {}

  /** Lists evaluations; the total is also sent as Content-Range for react-admin's data provider. */
  @Get()
  async list(@Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    const q = parseInput(ListEvaluationsQuery, query, 'query');
    const page = await this.evaluations.list(q);
    res.setHeader('Content-Range', `evaluations ${q.offset}-${q.offset + page.items.length}/${page.total}`);
    res.setHeader('Access-Control-Expose-Headers', 'Content-Range');
    return page;
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.evaluations.get(parseInput(EvaluationId, id, 'evaluation id'));
  }
}
