import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import {
  type ClaimResponse,
  ExtraArtifact,
  type FailureBody,
  type HeartbeatBody,
  type MergeClaimResponse,
  type ProgressBody,
  type ResultBody,
  ShardFacts,
  type ShardClaimResponse,
  type ShardResultBody,
} from '../../../contracts/jobs/runner-api.schemas.js';
import { type PayloadLimit, PayloadLimitExceededException } from '../common/payload-limit.js';
import { EvaluationShardsRepository } from '../evaluations/evaluation-shards.repository.js';
import { ArtifactStore } from '../artifacts/artifact-store.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { EvaluationsRepository, type EvaluationWithContext } from '../evaluations/evaluations.repository.js';
import type { Prisma } from '../generated/prisma/client.js';
import { parseStoredDefinition, StoredSuiteDefinitionError } from '../suites/stored-definition.js';
import { pngSize } from '../evaluations/evaluation-samples.service.js';

/** runner/src/sharding/shard-partial-codec.ts: the first bytes of every shard's partial result. */
const SHARD_PARTIAL_MAGIC = Buffer.from('GBSHARD1', 'latin1');

@Injectable()
export class RunnerApiService {
  constructor(
    @Inject(EvaluationsRepository) private readonly evaluations: EvaluationsRepository,
    @Inject(EvaluationShardsRepository) private readonly shards: EvaluationShardsRepository,
    @Inject(ArtifactStore) private readonly store: ArtifactStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * 409 when there is nothing to run (finished, cancelled) or when another claim is still alive; the latter
   * says whose and `retryAfterMs`, when its lease runs out unless renewed. A suite version whose stored
   * definition no longer validates fails the evaluation, with a 409 that names the suite version.
   */
  async claim(id: string, runnerId: string): Promise<ClaimResponse> {
    const leaseMs = this.config.claimLeaseMs;
    // A sharded evaluation runs as its shards and a merge, never whole.
    if ((await this.shards.list(id)).length > 0)
      throw new ConflictException({
        statusCode: 409,
        message: `evaluation ${id} is sharded; its shards and merge are claimed on their own`,
        reason: 'sharded',
      });
    const e = await this.evaluations.claim(id, runnerId, leaseMs);
    if (!e) return this.refuseClaim(id, leaseMs);
    return this.claimView(e, e.attempts, { runnerId, attempt: e.attempts });
  }

  /** Throws the 409 (or 404) of a refused evaluation claim: whose live claim holds it, or why there is nothing to run. */
  private async refuseClaim(id: string, leaseMs: number): Promise<never> {
    const current = await this.evaluations.findById(id);
    if (!current) throw new NotFoundException(`no evaluation ${id}`);
    if (current.status === 'running' && current.heartbeatAt) {
      const retryAfterMs = Math.max(0, current.heartbeatAt.getTime() + leaseMs - Date.now());
      throw new ConflictException({
        statusCode: 409,
        message: `evaluation ${id} is running on runner ${current.runnerId} (attempt ${current.attempts}), whose claim is alive; retry after ${retryAfterMs} ms`,
        reason: 'claimed',
        claimedBy: current.runnerId,
        retryAfterMs,
      });
    }
    throw new ConflictException({
      statusCode: 409,
      message: `evaluation ${id} is ${current.status}; nothing to run`,
      reason: current.status,
    });
  }

  /** What a claim answers: the evaluation's model, artifacts and suite, under the claim's attempt. */
  private async claimView(
    e: EvaluationWithContext,
    attempt: number,
    claim?: { runnerId: string; attempt: number },
  ): Promise<ClaimResponse> {
    const id = e.id;
    let def;
    try {
      def = parseStoredDefinition(e.suiteVersion);
    } catch (err) {
      if (!(err instanceof StoredSuiteDefinitionError)) throw err;
      // No runner can ever run it: the suite's fault (an admin must act), failed now instead of retried.
      await this.evaluations.fail(id, 'suite', err.message, undefined, claim);
      throw new ConflictException({ statusCode: 409, message: `evaluation ${id} cannot run: ${err.message}`, reason: 'failed' });
    }
    return {
      evaluationId: e.id,
      attempt,
      leaseMs: this.config.claimLeaseMs,
      seed: def.seed,
      model: {
        id: e.modelVersion.model.id,
        name: e.modelVersion.model.name,
        kind: e.modelVersion.model.kind,
        versionId: e.modelVersion.id,
        version: e.modelVersion.version,
      },
      artifact: { sha256: e.modelVersion.artifactSha256, size: Number(e.modelVersion.artifactSize) },
      extraArtifacts: ExtraArtifact.array().parse(e.modelVersion.extraArtifacts ?? []),
      manifest: e.modelVersion.manifest,
      suite: { id: e.suiteVersion.suiteId, version: e.suiteVersion.version, definition: e.suiteVersion.definition },
    };
  }

  /**
   * Claims shard `index` of a sharded evaluation: 409 as for an evaluation (nothing to run, or another
   * runner's claim on the shard is alive, with `retryAfterMs`).
   */
  async claimShard(id: string, index: number, runnerId: string): Promise<ShardClaimResponse> {
    const leaseMs = this.config.claimLeaseMs;
    const s = await this.shards.claim(id, index, runnerId, leaseMs);
    if (!s) {
      const current = await this.shards.find(id, index);
      if (!current) throw new NotFoundException(`evaluation ${id} has no shard ${index}`);
      const e = await this.evaluations.findById(id);
      if (e && (e.status === 'queued' || e.status === 'running') && current.status === 'running' && current.heartbeatAt) {
        const retryAfterMs = Math.max(0, current.heartbeatAt.getTime() + leaseMs - Date.now());
        throw new ConflictException({
          statusCode: 409,
          message: `shard ${index} of evaluation ${id} is running on runner ${current.runnerId} (attempt ${current.attempts}), whose claim is alive; retry after ${retryAfterMs} ms`,
          reason: 'claimed',
          claimedBy: current.runnerId,
          retryAfterMs,
        });
      }
      const status =
        e && e.status !== 'running' && e.status !== 'queued' ? `the evaluation is ${e.status}` : `the shard is ${current.status}`;
      throw new ConflictException({
        statusCode: 409,
        message: `shard ${index} of evaluation ${id}: ${status}; nothing to run`,
        reason: current.status,
      });
    }
    const e = await this.evaluations.findById(id);
    if (!e) throw new NotFoundException(`no evaluation ${id}`);
    return { ...(await this.claimView(e, s.attempts)), shard: { index: s.index, of: s.of, start: s.start, end: s.end } };
  }

  async shardProgress(id: string, index: number, body: ProgressBody): Promise<{ accepted: boolean }> {
    return { accepted: await this.shards.setProgress(id, index, body, body.progress, body.stage) };
  }

  async shardHeartbeat(id: string, index: number, body: HeartbeatBody): Promise<{ accepted: boolean }> {
    return { accepted: await this.shards.heartbeat(id, index, body) };
  }

  /**
   * Stores a shard's partial result (GBSHARD1 bytes, streamed to a temporary file and hashed on the way,
   * refused past the configured limit) in the artifact store while the shard runs; the shard's result post
   * then names it by sha256. Its contents are checked by the merge, which refuses gaps, overlaps and mixes.
   */
  async storeShardPartial(id: string, index: number, body: NodeJS.ReadableStream, declaredBytes: number) {
    const limit: PayloadLimit = {
      subject: 'a shard partial result',
      path: 'partial',
      bytes: this.config.maxShardPartialBytes,
      setting: 'GENBENCH_MAX_SHARD_PARTIAL_MB',
    };
    if (declaredBytes > limit.bytes) throw new PayloadLimitExceededException(limit);
    const shard = await this.shards.find(id, index);
    if (!shard) throw new NotFoundException(`evaluation ${id} has no shard ${index}`);
    if (shard.status !== 'running')
      throw new ConflictException(`shard ${index} of evaluation ${id} is ${shard.status}; its partial result was not stored`);
    await mkdir(this.config.uploadTmpDir, { recursive: true });
    const tmp = join(this.config.uploadTmpDir, `shard-${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    let head = Buffer.alloc(0);
    try {
      await pipeline(
        body,
        new Transform({
          transform(chunk: Buffer, _enc, done) {
            size += chunk.length;
            if (size > limit.bytes) return done(new PayloadLimitExceededException(limit));
            if (head.length < SHARD_PARTIAL_MAGIC.length) head = Buffer.concat([head, chunk.subarray(0, SHARD_PARTIAL_MAGIC.length)]);
            hash.update(chunk);
            done(null, chunk);
          },
        }),
        createWriteStream(tmp),
      );
      if (!head.subarray(0, SHARD_PARTIAL_MAGIC.length).equals(SHARD_PARTIAL_MAGIC))
        throw new BadRequestException('the body is not a shard partial result (GBSHARD1)');
      const sha256 = hash.digest('hex');
      await this.store.adopt(tmp, sha256);
      return { sha256, size };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /** Records a shard's stored partial result under its claim; a duplicate post of a succeeded shard changes nothing. */
  async shardResult(id: string, index: number, body: ShardResultBody) {
    if (!(await this.store.has(body.partialSha256)))
      throw new BadRequestException(`no stored partial result ${body.partialSha256}; upload it first`);
    const outcome = await this.shards.complete(id, index, body, body.partialSha256, body.facts as Prisma.InputJsonValue);
    if (outcome === 'not-held') {
      const s = await this.shards.find(id, index);
      if (!s) throw new NotFoundException(`evaluation ${id} has no shard ${index}`);
      throw new ConflictException(
        `shard ${index} of evaluation ${id} is ${s.status} (attempt ${s.attempts}, runner ${s.runnerId ?? 'none'}); the result was not stored`,
      );
    }
    return { outcome };
  }

  /** A shard that failed for good fails its evaluation with the shard's kind and reason. */
  async shardFailure(id: string, index: number, body: FailureBody) {
    const reason = body.kind === 'infrastructure' ? `infrastructure: ${body.reason}` : body.reason;
    if (await this.shards.fail(id, index, body, body.kind, reason, body.provenance as Prisma.InputJsonValue | undefined))
      return { outcome: 'stored' };
    const s = await this.shards.find(id, index);
    if (!s) throw new NotFoundException(`evaluation ${id} has no shard ${index}`);
    if (s.status !== 'running' && s.status !== 'queued') return { outcome: 'already-finished' };
    throw new ConflictException(`shard ${index} of evaluation ${id} is ${s.status} under another claim; the failure was not stored`);
  }

  /**
   * The merge's claim on a sharded evaluation: the evaluation's own claim (so its result goes through the
   * same idempotent path as an unsharded one), given only once every shard has succeeded, with their
   * partial results in sample order. 409 while shards are missing, or when there is nothing to merge.
   */
  async claimMerge(id: string, runnerId: string): Promise<MergeClaimResponse> {
    const shards = await this.shards.list(id);
    if (shards.length === 0)
      throw new ConflictException({ statusCode: 409, message: `evaluation ${id} is not sharded`, reason: 'not-sharded' });
    const missing = shards.filter((s) => s.status !== 'succeeded' || !s.partialSha256);
    if (missing.length)
      throw new ConflictException({
        statusCode: 409,
        message: `evaluation ${id}: shard(s) ${missing.map((s) => `${s.index} (${s.status})`).join(', ')} not in; nothing to merge yet`,
        reason: 'shards-pending',
      });
    const e = await this.evaluations.claim(id, runnerId, this.config.claimLeaseMs, { keepProgress: true });
    if (!e) return this.refuseClaim(id, this.config.claimLeaseMs);
    const view = await this.claimView(e, e.attempts, { runnerId, attempt: e.attempts });
    return {
      ...view,
      shards: shards.map((s) => ({
        index: s.index,
        of: s.of,
        start: s.start,
        end: s.end,
        partialSha256: s.partialSha256!,
        facts: ShardFacts.parse(s.facts),
      })),
    };
  }

  async progress(id: string, body: ProgressBody): Promise<{ accepted: boolean }> {
    return { accepted: await this.evaluations.setProgress(id, body, body.progress, body.stage) };
  }

  async heartbeat(id: string, body: HeartbeatBody): Promise<{ accepted: boolean }> {
    return { accepted: await this.evaluations.heartbeat(id, body) };
  }

  /** `accepted: false` when the claim was no longer the evaluation's (nothing to give up). */
  async release(id: string, body: HeartbeatBody): Promise<{ accepted: boolean }> {
    return { accepted: await this.evaluations.release(id, body) };
  }

  async shardRelease(id: string, index: number, body: HeartbeatBody): Promise<{ accepted: boolean }> {
    return { accepted: await this.shards.release(id, index, body) };
  }

  async result(id: string, body: ResultBody) {
    const claim = { runnerId: body.provenance.runnerId, attempt: body.attempt };
    const outcome = await this.evaluations.complete(id, claim, body.metrics, body.provenance as unknown as Prisma.InputJsonValue);
    if (outcome === 'superseded') {
      const current = await this.evaluations.findById(id);
      throw new ConflictException(
        `evaluation ${id} was claimed again (attempt ${current?.attempts} on runner ${current?.runnerId}); the result of attempt ${claim.attempt} on runner ${claim.runnerId} was not stored`,
      );
    }
    if (outcome === 'not-running') {
      const current = await this.evaluations.findById(id);
      if (!current) throw new NotFoundException(`no evaluation ${id}`);
      throw new ConflictException(`evaluation ${id} is ${current.status}; the result was not stored`);
    }
    return { outcome };
  }

  /** Stores a sample grid by content hash and records it on a running or succeeded evaluation. */
  async sampleGrid(id: string, png: Buffer) {
    if (!pngSize(png)) throw new BadRequestException('the sample grid is not a PNG file');
    const sha256 = createHash('sha256').update(png).digest('hex');
    const tmp = join(this.config.uploadTmpDir, `grid-${randomBytes(8).toString('hex')}`);
    try {
      await writeFile(tmp, png);
      await this.store.adopt(tmp, sha256);
    } finally {
      await rm(tmp, { force: true });
    }
    if (!(await this.evaluations.setSampleGrid(id, sha256))) {
      const current = await this.evaluations.findById(id);
      if (!current) throw new NotFoundException(`no evaluation ${id}`);
      throw new ConflictException(`evaluation ${id} is ${current.status}; the sample grid was not stored`);
    }
    return { sha256, size: png.length };
  }

  async failure(id: string, body: FailureBody) {
    // The public reason reads as it did before the kind had its own column (issue #14.3).
    const reason = body.kind === 'infrastructure' ? `infrastructure: ${body.reason}` : body.reason;
    const changed = await this.evaluations.fail(id, body.kind, reason, body.provenance as Prisma.InputJsonValue | undefined, body);
    if (changed) return { outcome: 'stored' };
    const current = await this.evaluations.findById(id);
    if (!current) throw new NotFoundException(`no evaluation ${id}`);
    // Finished meanwhile (a duplicate report): nothing to do. Still running under another claim: not ours to end.
    if (current.status !== 'running' && current.status !== 'queued') return { outcome: 'already-finished' };
    throw new ConflictException(
      `evaluation ${id} is ${current.status} (attempt ${current.attempts}, runner ${current.runnerId ?? 'none'}); the failure of attempt ${body.attempt} on runner ${body.runnerId} was not stored`,
    );
  }
}
