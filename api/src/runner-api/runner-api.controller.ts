import { createReadStream } from 'node:fs';
import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { z } from 'zod';
import { FailureBody, ProgressBody, ResultBody } from '../../../runner/src/jobs/evaluate/runner-api.schemas.js';
import { ArtifactStore } from '../artifacts/artifact-store.js';
import { Roles } from '../auth/auth.guard.js';
import { parseInput } from '../common/zod-validation.js';
import { EvaluationId } from '../evaluations/evaluations.schemas.js';
import { RunnerApiService } from './runner-api.service.js';

const ClaimBody = z.strictObject({ runnerId: z.string().min(1).max(200) });
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex sha256');

/** What runners may do: claim work, report progress, post results and fetch artifacts. Nothing else. */
@ApiTags('runner')
@ApiBearerAuth()
@Roles('runner')
@SkipThrottle()
@Controller('api/runner')
export class RunnerApiController {
  constructor(
    @Inject(RunnerApiService) private readonly runner: RunnerApiService,
    @Inject(ArtifactStore) private readonly store: ArtifactStore,
  ) {}

  @Post('evaluations/:id/claim')
  @HttpCode(200)
  claim(@Param('id') id: string, @Body() body: unknown) {
    return this.runner.claim(parseInput(EvaluationId, id, 'evaluation id'), parseInput(ClaimBody, body, 'claim').runnerId);
  }

  @Post('evaluations/:id/progress')
  @HttpCode(200)
  progress(@Param('id') id: string, @Body() body: unknown) {
    return this.runner.progress(parseInput(EvaluationId, id, 'evaluation id'), parseInput(ProgressBody, body, 'progress').progress);
  }

  @Post('evaluations/:id/result')
  @HttpCode(200)
  result(@Param('id') id: string, @Body() body: unknown) {
    return this.runner.result(parseInput(EvaluationId, id, 'evaluation id'), parseInput(ResultBody, body, 'result'));
  }

  @Post('evaluations/:id/failure')
  @HttpCode(200)
  failure(@Param('id') id: string, @Body() body: unknown) {
    return this.runner.failure(parseInput(EvaluationId, id, 'evaluation id'), parseInput(FailureBody, body, 'failure'));
  }

  @Get('artifacts/:sha256')
  async artifact(@Param('sha256') sha: string) {
    const sha256 = parseInput(Sha256, sha, 'artifact hash');
    if (!(await this.store.has(sha256))) throw new NotFoundException(`no artifact ${sha256}`);
    return new StreamableFile(createReadStream(this.store.pathFor(sha256)), { type: 'application/octet-stream' });
  }
}
