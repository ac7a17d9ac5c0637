import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { ClaimResponse, FailureBody, ResultBody } from '../../../runner/src/jobs/evaluate/runner-api.schemas.js';
import type { SuiteDefinition } from '../../../runner/src/suites/suite.schemas.js';
import { EvaluationsRepository } from '../evaluations/evaluations.repository.js';
import type { Prisma } from '../generated/prisma/client.js';

@Injectable()
export class RunnerApiService {
  constructor(@Inject(EvaluationsRepository) private readonly evaluations: EvaluationsRepository) {}

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

  async failure(id: string, body: FailureBody) {
    const reason = body.kind === 'infrastructure' ? `infrastructure: ${body.reason}` : body.reason;
    const changed = await this.evaluations.fail(id, reason, body.provenance as Prisma.InputJsonValue | undefined);
    return { outcome: changed ? 'stored' : 'already-finished' };
  }
}
