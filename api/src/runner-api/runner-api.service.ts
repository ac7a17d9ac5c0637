import { createHash, randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import {
  type ClaimResponse,
  ExtraArtifact,
  type FailureBody,
  type HeartbeatBody,
  type ProgressBody,
  type ResultBody,
} from '../../../contracts/jobs/runner-api.schemas.js';
import { ArtifactStore } from '../artifacts/artifact-store.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { EvaluationsRepository } from '../evaluations/evaluations.repository.js';
import type { Prisma } from '../generated/prisma/client.js';
import { parseStoredDefinition, StoredSuiteDefinitionError } from '../suites/stored-definition.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

@Injectable()
export class RunnerApiService {
  constructor(
    @Inject(EvaluationsRepository) private readonly evaluations: EvaluationsRepository,
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
    const e = await this.evaluations.claim(id, runnerId, leaseMs);
    if (!e) {
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
    let def;
    try {
      def = parseStoredDefinition(e.suiteVersion);
    } catch (err) {
      if (!(err instanceof StoredSuiteDefinitionError)) throw err;
      // No runner can ever run it: the suite's fault (an admin must act), failed now instead of retried.
      await this.evaluations.fail(id, 'suite', err.message, undefined, { runnerId, attempt: e.attempts });
      throw new ConflictException({ statusCode: 409, message: `evaluation ${id} cannot run: ${err.message}`, reason: 'failed' });
    }
    return {
      evaluationId: e.id,
      attempt: e.attempts,
      leaseMs,
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

  async progress(id: string, body: ProgressBody): Promise<{ accepted: boolean }> {
    return { accepted: await this.evaluations.setProgress(id, body, body.progress, body.stage) };
  }

  async heartbeat(id: string, body: HeartbeatBody): Promise<{ accepted: boolean }> {
    return { accepted: await this.evaluations.heartbeat(id, body) };
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
    if (png.length < 8 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new BadRequestException('the sample grid is not a PNG file');
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
