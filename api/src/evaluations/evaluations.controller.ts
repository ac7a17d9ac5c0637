import { createReadStream } from 'node:fs';
import { Controller, Get, HttpCode, Inject, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Roles } from '../auth/auth.guard.js';
import type { Principal } from '../auth/tokens.service.js';
import { ApiErrors, ApiFileResponse, ApiZodParam, ApiZodQuery, ApiZodResponse, CONTENT_RANGE } from '../common/openapi.js';
import { parseInput } from '../common/zod-validation.js';
import {
  EvaluationId,
  EvaluationPage,
  EvaluationSamplesView,
  EvaluationView,
  ListEvaluationsQuery,
  SampleImageRole,
  SampleIndex,
} from './evaluations.schemas.js';
import { EvaluationsService } from './evaluations.service.js';
import { EvaluationSamplesService } from './evaluation-samples.service.js';

@ApiTags('evaluations')
@Controller('api/evaluations')
export class EvaluationsController {
  constructor(
    @Inject(EvaluationsService) private readonly evaluations: EvaluationsService,
    @Inject(EvaluationSamplesService) private readonly samples: EvaluationSamplesService,
  ) {}

  /** Lists evaluations; the total is also sent as Content-Range for react-admin's data provider. */
  @Get()
  @ApiOperation({ summary: 'List evaluations (newest first); the total is also in Content-Range' })
  @ApiZodQuery(ListEvaluationsQuery)
  @ApiZodResponse(EvaluationPage, { headers: CONTENT_RANGE })
  async list(@Query() query: unknown, @CurrentPrincipal() principal: Principal | undefined, @Res({ passthrough: true }) res: Response) {
    const q = parseInput(ListEvaluationsQuery, query, 'query');
    const page = await this.evaluations.list(q, principal);
    res.setHeader('Content-Range', `evaluations ${q.offset}-${q.offset + page.items.length}/${page.total}`);
    res.setHeader('Access-Control-Expose-Headers', 'Content-Range');
    return page;
  }

  @Get(':id')
  @ApiOperation({ summary: 'One evaluation: status, progress, metrics, provenance' })
  @ApiZodParam('id', EvaluationId)
  @ApiZodResponse(EvaluationView)
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal | undefined) {
    return this.evaluations.get(parseInput(EvaluationId, id, 'evaluation id'), principal);
  }

  /** The 8×8 PNG grid of the evaluation's first 64 samples (same visibility as the evaluation). */
  @Get(':id/samples.png')
  @ApiOperation({ summary: "The 8×8 PNG grid of the evaluation's first 64 samples" })
  @ApiZodParam('id', EvaluationId)
  @ApiFileResponse(['image/png'], 'The PNG grid')
  async sampleGrid(@Param('id') id: string, @CurrentPrincipal() principal: Principal | undefined) {
    const path = await this.evaluations.sampleGridPath(parseInput(EvaluationId, id, 'evaluation id'), principal);
    return new StreamableFile(createReadStream(path), { type: 'image/png', disposition: `inline; filename="${id}-samples.png"` });
  }

  /** The kept samples (the suite's first K indices): index, condition (class label, prompt, …) and PNG URL. */
  @Get(':id/samples')
  @ApiOperation({ summary: "The evaluation's kept samples: index, condition and image URL of each" })
  @ApiZodParam('id', EvaluationId)
  @ApiZodResponse(EvaluationSamplesView)
  listSamples(@Param('id') id: string, @CurrentPrincipal() principal: Principal | undefined) {
    return this.samples.list(parseInput(EvaluationId, id, 'evaluation id'), principal);
  }

  @Get(':id/samples/:index.png')
  @ApiOperation({ summary: 'One kept sample as PNG' })
  @ApiZodParam('id', EvaluationId)
  @ApiZodParam('index', SampleIndex)
  @ApiFileResponse(['image/png'], 'The sample')
  async sampleImage(@Param('id') id: string, @Param('index') index: string, @CurrentPrincipal() principal: Principal | undefined) {
    const evaluationId = parseInput(EvaluationId, id, 'evaluation id');
    const path = await this.samples.imagePath(evaluationId, parseInput(SampleIndex, index, 'sample index'), principal);
    // Content-addressed and immutable once recorded; private ones must not sit in shared caches.
    return new StreamableFile(createReadStream(path), { type: 'image/png', disposition: `inline; filename="${id}-${index}.png"` });
  }

  /** An image-conditioned sample's input or target: suite data, served under the evaluation's visibility. */
  @Get(':id/samples/:index/:role.png')
  @ApiOperation({ summary: "One image a kept sample's condition names (its input, its target) as PNG" })
  @ApiZodParam('id', EvaluationId)
  @ApiZodParam('index', SampleIndex)
  @ApiZodParam('role', SampleImageRole)
  @ApiFileResponse(['image/png'], 'The condition image')
  async conditionImage(
    @Param('id') id: string,
    @Param('index') index: string,
    @Param('role') role: string,
    @CurrentPrincipal() principal: Principal | undefined,
  ) {
    const evaluationId = parseInput(EvaluationId, id, 'evaluation id');
    const r = parseInput(SampleImageRole, role, 'image role');
    const path = await this.samples.conditionImagePath(evaluationId, parseInput(SampleIndex, index, 'sample index'), r, principal);
    return new StreamableFile(createReadStream(path), { type: 'image/png', disposition: `inline; filename="${id}-${index}-${r}.png"` });
  }

  /** A video evaluation's kept sample: the whole video as an animated, lossless WebP (issue #21.4). */
  @Get(':id/samples/:index.webp')
  @ApiOperation({ summary: "One kept video sample as animated WebP (a video evaluation's preview)" })
  @ApiZodParam('id', EvaluationId)
  @ApiZodParam('index', SampleIndex)
  @ApiFileResponse(['image/webp'], 'The animated preview')
  async sampleAnimation(@Param('id') id: string, @Param('index') index: string, @CurrentPrincipal() principal: Principal | undefined) {
    const evaluationId = parseInput(EvaluationId, id, 'evaluation id');
    const i = parseInput(SampleIndex, index, 'sample index');
    const path = await this.samples.imagePath(evaluationId, i, principal, 'image/webp');
    return new StreamableFile(createReadStream(path), { type: 'image/webp', disposition: `inline; filename="${id}-${index}.webp"` });
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Cancel a queued or running evaluation' })
  @ApiZodParam('id', EvaluationId)
  @ApiZodResponse(EvaluationView, { description: 'The cancelled evaluation' })
  @ApiErrors(409)
  cancel(@Param('id') id: string) {
    return this.evaluations.cancel(parseInput(EvaluationId, id, 'evaluation id'));
  }

  @Post(':id/retry')
  @HttpCode(200)
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Queue a failed or cancelled evaluation again' })
  @ApiZodParam('id', EvaluationId)
  @ApiZodResponse(EvaluationView, { description: 'The re-queued evaluation' })
  @ApiErrors(409)
  retry(@Param('id') id: string) {
    return this.evaluations.retry(parseInput(EvaluationId, id, 'evaluation id'));
  }
}
