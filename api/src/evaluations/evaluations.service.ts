import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { ArtifactStore } from '../artifacts/artifact-store.js';
import type { Principal } from '../auth/tokens.service.js';
import { presentEvaluation } from './evaluation.presenter.js';
import { EvaluationQueue } from './evaluation-queue.js';
import { EvaluationsRepository } from './evaluations.repository.js';
import type { ListEvaluationsQuery } from './evaluations.schemas.js';

/** Private entries are visible to their owner and to admins only. */
export function canSee(principal: Principal | undefined, model: { owner: string; visibility: string }): boolean {
  return model.visibility === 'public' || principal?.role === 'admin' || principal?.owner === model.owner;
}

@Injectable()
export class EvaluationsService {
  constructor(
    @Inject(EvaluationsRepository) private readonly evaluations: EvaluationsRepository,
    @Inject(EvaluationQueue) private readonly queue: EvaluationQueue,
    @Inject(ArtifactStore) private readonly store: ArtifactStore,
  ) {}

  async get(id: string, principal?: Principal) {
    const e = await this.evaluations.findById(id);
    if (!e || !canSee(principal, e.modelVersion.model)) throw new NotFoundException(`no evaluation ${id}`);
    return presentEvaluation(e);
  }

  /** Where the PNG grid of an evaluation's first samples is stored; 404 when unseen or absent. */
  async sampleGridPath(id: string, principal?: Principal): Promise<string> {
    const e = await this.evaluations.findById(id);
    if (!e || !canSee(principal, e.modelVersion.model)) throw new NotFoundException(`no evaluation ${id}`);
    if (!e.sampleGridSha256 || !(await this.store.has(e.sampleGridSha256)))
      throw new NotFoundException(`evaluation ${id} has no sample grid`);
    return this.store.pathFor(e.sampleGridSha256);
  }

  private async view(id: string) {
    const e = await this.evaluations.findById(id);
    if (!e) throw new NotFoundException(`no evaluation ${id}`);
    return presentEvaluation(e);
  }

  async list(q: ListEvaluationsQuery, principal?: Principal) {
    const [rows, total] = await this.evaluations.list({
      status: q.status,
      modelId: q.modelId,
      suiteId: q.suiteId,
      owner: q.owner,
      trigger: q.trigger,
      ids: q.ids,
      take: q.limit,
      skip: q.offset,
      viewer: principal?.role === 'admin' ? 'all' : (principal?.owner ?? null),
    });
    return { total, items: rows.map(presentEvaluation) };
  }

  async cancel(id: string) {
    if (!(await this.evaluations.cancel(id))) {
      const e = await this.evaluations.findById(id);
      if (!e) throw new NotFoundException(`no evaluation ${id}`);
      throw new ConflictException(`evaluation ${id} is ${e.status}; only queued or running evaluations can be cancelled`);
    }
    await this.queue.remove(id).catch(() => undefined);
    return this.view(id);
  }

  async retry(id: string) {
    if (!(await this.evaluations.requeue(id))) {
      const e = await this.evaluations.findById(id);
      if (!e) throw new NotFoundException(`no evaluation ${id}`);
      throw new ConflictException(`evaluation ${id} is ${e.status}; only failed or cancelled evaluations can be retried`);
    }
    await this.queue.replace(id);
    return this.view(id);
  }
}
