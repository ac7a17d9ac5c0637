import { createHash, randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import {
  type ClaimResponse,
  ExtraArtifact,
  type FailureBody,
  type ResultBody,
} from '../../../runner/src/jobs/evaluate/runner-api.schemas.js';
import type { SuiteDefinition } from '../../../runner/src/suites/suite.schemas.js';
import { ArtifactStore } from '../artifacts/artifact-store.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { EvaluationsRepository } from '../evaluations/evaluations.repository.js';
import type { Prisma } from '../generated/prisma/client.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

@Injectable()
export class RunnerApiService {
  constructor(
    @Inject(EvaluationsRepository) private readonly evaluations: EvaluationsRepository,
    @Inject(ArtifactStore) private readonly store: ArtifactStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async claim(id: string, runnerId: string): Promise<ClaimResponse> {
    const e = await this.evaluations.claim(id, runnerId);
    if (!e) {
      const current = await this.evaluations.findById(id);
      if (!current) throw new NotFoundException(`no evaluation ${id}`);
      throw new ConflictException(`evaluation ${id} is ${current.status}; nothing to run`);
    }
    const def = e.suiteVersion.protocol as unknown as SuiteDefinition;
    return {
      evaluationId: e.id,
      attempt: e.attempts,
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
      suite: { id: e.suiteVersion.suiteId, version: e.suiteVersion.version, definition: e.suiteVersion.protocol },
    };
  }

  async progress(id: string, progress: number): Promise<{ accepted: boolean }> {
    return { accepted: await this.evaluations.setProgress(id, progress) };
  }

  async result(id: string, body: ResultBody) {
    const outcome = await this.evaluations.complete(id, body.metrics, body.provenance as unknown as Prisma.InputJsonValue);
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
    const reason = body.kind === 'infrastructure' ? `infrastructure: ${body.reason}` : body.reason;
    const changed = await this.evaluations.fail(id, reason, body.provenance as Prisma.InputJsonValue | undefined);
    return { outcome: changed ? 'stored' : 'already-finished' };
  }
}
