import { createReadStream } from 'node:fs';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Put,
  Req,
  StreamableFile,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request } from 'express';
import { MAX_GRID_BYTES, MAX_SAMPLE_IMAGE_BYTES, SampleRecordsBody } from '../../../contracts/jobs/runner-api.schemas.js';
import { FailureBody, HeartbeatBody, ProgressBody, ResultBody, ShardResultBody } from '../../../contracts/jobs/runner-api.schemas.js';
import { ArtifactStore } from '../artifacts/artifact-store.js';
import { Roles } from '../auth/auth.guard.js';
import { type PayloadLimit, PayloadLimitExceededException } from '../common/payload-limit.js';
import { ApiErrors, ApiFileResponse, ApiZodBody, ApiZodParam, ApiZodResponse } from '../common/openapi.js';
import { parseInput } from '../common/zod-validation.js';
import { EvaluationSamplesService } from '../evaluations/evaluation-samples.service.js';
import { EvaluationId } from '../evaluations/evaluations.schemas.js';
import {
  Accepted,
  ClaimBody,
  ClaimResponseView,
  MergeClaimResponseView,
  Outcome,
  Sha256,
  ShardClaimResponseView,
  ShardIndex,
  StoredGrid,
  StoredPartial,
  StoredSampleImage,
  StoredSamples,
} from './runner-api.schemas.js';
import { RunnerApiService } from './runner-api.service.js';

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
    @Inject(EvaluationSamplesService) private readonly samples: EvaluationSamplesService,
  ) {}

  @Post('evaluations/:id/claim')
  @HttpCode(200)
  @ApiOperation({ summary: 'Claim a queued evaluation (or take over one whose claim lapsed)' })
  @ApiZodParam('id', EvaluationId)
  @ApiZodBody(ClaimBody)
  @ApiZodResponse(ClaimResponseView)
  @ApiErrors(409)
  claim(@Param('id') id: string, @Body() body: unknown) {
    return this.runner.claim(parseInput(EvaluationId, id, 'evaluation id'), parseInput(ClaimBody, body, 'claim').runnerId);
  }

  /** `accepted: false` tells the runner its claim is gone (cancelled, or taken over after its lease lapsed): stop. */
  @Post('evaluations/:id/progress')
  @HttpCode(200)
  @ApiOperation({ summary: 'Report progress (0–1); also renews the claim' })
  @ApiZodParam('id', EvaluationId)
  @ApiZodBody(ProgressBody)
  @ApiZodResponse(Accepted)
  progress(@Param('id') id: string, @Body() body: unknown) {
    return this.runner.progress(parseInput(EvaluationId, id, 'evaluation id'), parseInput(ProgressBody, body, 'progress'));
  }

  @Post('evaluations/:id/heartbeat')
  @HttpCode(200)
  @ApiOperation({ summary: 'Renew the claim while a long step runs' })
  @ApiZodParam('id', EvaluationId)
  @ApiZodBody(HeartbeatBody)
  @ApiZodResponse(Accepted)
  heartbeat(@Param('id') id: string, @Body() body: unknown) {
    return this.runner.heartbeat(parseInput(EvaluationId, id, 'evaluation id'), parseInput(HeartbeatBody, body, 'heartbeat'));
  }

  /** After a failed attempt that BullMQ will retry: the retry claims at once instead of waiting out the lease. */
  @Post('evaluations/:id/release')
  @HttpCode(200)
  @ApiOperation({ summary: 'Give up the claim of an attempt that failed and will be retried' })
  @ApiZodParam('id', EvaluationId)
  @ApiZodBody(HeartbeatBody)
  @ApiZodResponse(Accepted)
  release(@Param('id') id: string, @Body() body: unknown) {
    return this.runner.release(parseInput(EvaluationId, id, 'evaluation id'), parseInput(HeartbeatBody, body, 'release'));
  }

  @Post('evaluations/:id/result')
  @HttpCode(200)
  @ApiOperation({ summary: 'Post the metrics and provenance of a finished evaluation' })
  @ApiZodParam('id', EvaluationId)
  @ApiZodBody(ResultBody)
  @ApiZodResponse(Outcome)
  @ApiErrors(409)
  result(@Param('id') id: string, @Body() body: unknown) {
    return this.runner.result(parseInput(EvaluationId, id, 'evaluation id'), parseInput(ResultBody, body, 'result'));
  }

  @Post('evaluations/:id/failure')
  @HttpCode(200)
  @ApiOperation({ summary: 'Report that an evaluation failed, and why' })
  @ApiZodParam('id', EvaluationId)
  @ApiZodBody(FailureBody)
  @ApiZodResponse(Outcome)
  @ApiErrors(409)
  failure(@Param('id') id: string, @Body() body: unknown) {
    return this.runner.failure(parseInput(EvaluationId, id, 'evaluation id'), parseInput(FailureBody, body, 'failure'));
  }

  @Post('evaluations/:id/shards/:index/claim')
  @HttpCode(200)
  @ApiOperation({ summary: 'Claim a shard of a sharded evaluation (or take over one whose claim lapsed)' })
  @ApiZodParam('id', EvaluationId)
  @ApiZodParam('index', ShardIndex)
  @ApiZodBody(ClaimBody)
  @ApiZodResponse(ShardClaimResponseView)
  @ApiErrors(409)
  claimShard(@Param('id') id: string, @Param('index') index: string, @Body() body: unknown) {
    const [e, i] = this.shardParams(id, index);
    return this.runner.claimShard(e, i, parseInput(ClaimBody, body, 'claim').runnerId);
  }

  @Post('evaluations/:id/shards/:index/progress')
  @HttpCode(200)
  @ApiOperation({ summary: "Report a shard's progress (0–1); also renews its claim. The evaluation's is the sum over its shards" })
  @ApiZodParam('id', EvaluationId)
  @ApiZodParam('index', ShardIndex)
  @ApiZodBody(ProgressBody)
  @ApiZodResponse(Accepted)
  shardProgress(@Param('id') id: string, @Param('index') index: string, @Body() body: unknown) {
    const [e, i] = this.shardParams(id, index);
    return this.runner.shardProgress(e, i, parseInput(ProgressBody, body, 'progress'));
  }

  @Post('evaluations/:id/shards/:index/heartbeat')
  @HttpCode(200)
  @ApiOperation({ summary: "Renew a shard's claim while a long step runs" })
  @ApiZodParam('id', EvaluationId)
  @ApiZodParam('index', ShardIndex)
  @ApiZodBody(HeartbeatBody)
  @ApiZodResponse(Accepted)
  shardHeartbeat(@Param('id') id: string, @Param('index') index: string, @Body() body: unknown) {
    const [e, i] = this.shardParams(id, index);
    return this.runner.shardHeartbeat(e, i, parseInput(HeartbeatBody, body, 'heartbeat'));
  }

  @Post('evaluations/:id/shards/:index/release')
  @HttpCode(200)
  @ApiOperation({ summary: "Give up a shard's claim whose attempt failed and will be retried" })
  @ApiZodParam('id', EvaluationId)
  @ApiZodParam('index', ShardIndex)
  @ApiZodBody(HeartbeatBody)
  @ApiZodResponse(Accepted)
  shardRelease(@Param('id') id: string, @Param('index') index: string, @Body() body: unknown) {
    const [e, i] = this.shardParams(id, index);
    return this.runner.shardRelease(e, i, parseInput(HeartbeatBody, body, 'release'));
  }

  /** The shard's partial result, GBSHARD1 bytes (runner/src/sharding/shard-partial-codec.ts), streamed into the artifact store. */
  @Put('evaluations/:id/shards/:index/partial')
  @HttpCode(200)
  @ApiOperation({ summary: "Upload a running shard's partial result (application/octet-stream, GBSHARD1)" })
  @ApiZodParam('id', EvaluationId)
  @ApiZodParam('index', ShardIndex)
  @ApiConsumes('application/octet-stream')
  @ApiBody({ required: true, schema: { type: 'string', format: 'binary' } })
  @ApiZodResponse(StoredPartial)
  @ApiErrors(400, 409, 413, 415)
  storeShardPartial(@Param('id') id: string, @Param('index') index: string, @Req() req: Request) {
    const [e, i] = this.shardParams(id, index);
    if (req.headers['content-type'] !== 'application/octet-stream')
      throw new UnsupportedMediaTypeException('send the partial result as application/octet-stream');
    return this.runner.storeShardPartial(e, i, req, Number(req.headers['content-length'] ?? 0));
  }

  @Post('evaluations/:id/shards/:index/result')
  @HttpCode(200)
  @ApiOperation({ summary: "Record a shard's uploaded partial result under its claim" })
  @ApiZodParam('id', EvaluationId)
  @ApiZodParam('index', ShardIndex)
  @ApiZodBody(ShardResultBody)
  @ApiZodResponse(Outcome)
  @ApiErrors(400, 409)
  shardResult(@Param('id') id: string, @Param('index') index: string, @Body() body: unknown) {
    const [e, i] = this.shardParams(id, index);
    return this.runner.shardResult(e, i, parseInput(ShardResultBody, body, 'shard result'));
  }

  @Post('evaluations/:id/shards/:index/failure')
  @HttpCode(200)
  @ApiOperation({ summary: 'Report that a shard failed for good: its evaluation fails with the same kind and reason' })
  @ApiZodParam('id', EvaluationId)
  @ApiZodParam('index', ShardIndex)
  @ApiZodBody(FailureBody)
  @ApiZodResponse(Outcome)
  @ApiErrors(409)
  shardFailure(@Param('id') id: string, @Param('index') index: string, @Body() body: unknown) {
    const [e, i] = this.shardParams(id, index);
    return this.runner.shardFailure(e, i, parseInput(FailureBody, body, 'failure'));
  }

  @Post('evaluations/:id/merge-claim')
  @HttpCode(200)
  @ApiOperation({ summary: 'Claim the merge of a sharded evaluation whose shards are all in; its result posts to …/result' })
  @ApiZodParam('id', EvaluationId)
  @ApiZodBody(ClaimBody)
  @ApiZodResponse(MergeClaimResponseView)
  @ApiErrors(409)
  claimMerge(@Param('id') id: string, @Body() body: unknown) {
    return this.runner.claimMerge(parseInput(EvaluationId, id, 'evaluation id'), parseInput(ClaimBody, body, 'claim').runnerId);
  }

  private shardParams(id: string, index: string): [string, number] {
    return [parseInput(EvaluationId, id, 'evaluation id'), parseInput(ShardIndex, index, 'shard index')];
  }

  /** The PNG grid of the evaluation's first 64 samples (body image/png, at most 16 MiB). */
  @Put('evaluations/:id/sample-grid')
  @HttpCode(200)
  @ApiOperation({ summary: "Upload the PNG grid of the evaluation's first 64 samples" })
  @ApiZodParam('id', EvaluationId)
  @ApiConsumes('image/png')
  @ApiBody({ required: true, schema: { type: 'string', format: 'binary' } })
  @ApiZodResponse(StoredGrid)
  @ApiErrors(409, 413, 415)
  async sampleGrid(@Param('id') id: string, @Req() req: Request) {
    const evaluationId = parseInput(EvaluationId, id, 'evaluation id');
    if (req.headers['content-type'] !== 'image/png') throw new UnsupportedMediaTypeException('send the sample grid as image/png');
    return this.runner.sampleGrid(evaluationId, await readLimited(req, GRID_LIMIT));
  }

  /** One PNG of a kept sample (or an image its condition names, or a video's animated WebP), stored by sha256; recorded by POST .../samples. */
  @Put('evaluations/:id/sample-images')
  @HttpCode(200)
  @ApiOperation({ summary: 'Upload one PNG of a kept sample (or of an image its condition names)' })
  @ApiZodParam('id', EvaluationId)
  @ApiConsumes('image/png', 'image/webp')
  @ApiBody({ required: true, schema: { type: 'string', format: 'binary' } })
  @ApiZodResponse(StoredSampleImage)
  @ApiErrors(409, 413, 415)
  async sampleImage(@Param('id') id: string, @Req() req: Request) {
    const evaluationId = parseInput(EvaluationId, id, 'evaluation id');
    // A video's kept sample is its animated WebP preview (issue #21.4); every other sample is a PNG.
    const type = req.headers['content-type'];
    if (type !== 'image/png' && type !== 'image/webp')
      throw new UnsupportedMediaTypeException('send the sample image as image/png (or a video preview as animated image/webp)');
    return this.samples.storeImage(evaluationId, await readLimited(req, SAMPLE_IMAGE_LIMIT), type);
  }

  /** Records kept samples (index, uploaded PNG, condition); an index recorded before keeps its row. */
  @Post('evaluations/:id/samples')
  @HttpCode(200)
  @ApiOperation({ summary: "Record the evaluation's kept samples: index, PNG sha256 and condition of each" })
  @ApiZodParam('id', EvaluationId)
  @ApiZodBody(SampleRecordsBody)
  @ApiZodResponse(StoredSamples)
  @ApiErrors(409)
  recordSamples(@Param('id') id: string, @Body() body: unknown) {
    return this.samples.record(parseInput(EvaluationId, id, 'evaluation id'), parseInput(SampleRecordsBody, body, 'samples'));
  }

  @Get('artifacts/:sha256')
  @ApiOperation({ summary: 'Download a stored artifact (model file, decoder) by its sha256' })
  @ApiZodParam('sha256', Sha256)
  @ApiFileResponse(['application/octet-stream'], 'The file')
  async artifact(@Param('sha256') sha: string) {
    const sha256 = parseInput(Sha256, sha, 'artifact hash');
    if (!(await this.store.has(sha256))) throw new NotFoundException(`no artifact ${sha256}`);
    return new StreamableFile(createReadStream(this.store.pathFor(sha256)), { type: 'application/octet-stream' });
  }
}

const GRID_LIMIT: PayloadLimit = {
  subject: 'the sample grid',
  path: 'grid',
  bytes: MAX_GRID_BYTES,
  setting: 'fixed: an 8×8 PNG of 64 samples',
};

const SAMPLE_IMAGE_LIMIT: PayloadLimit = {
  subject: 'the sample image',
  path: 'image',
  bytes: MAX_SAMPLE_IMAGE_BYTES,
  setting: 'fixed: one PNG of one sample, or one video preview',
};

/**
 * Reads a raw request body, refusing (413) anything above the limit before buffering it: at once when the
 * declared length is over it, and for a chunked body as soon as it passes it. The rest is not read; the
 * 413 answer closes the connection (HttpErrorsFilter).
 */
async function readLimited(req: Request, limit: PayloadLimit): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit.bytes) throw new PayloadLimitExceededException(limit);
  const chunks: Buffer[] = [];
  let total = 0;
  // Not destroyed on the early return: a destroyed request could not be answered.
  for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit.bytes) throw new PayloadLimitExceededException(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
