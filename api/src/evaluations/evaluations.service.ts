import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { ArtifactStore } from '../artifacts/artifact-store.js';
import type { Principal } from '../auth/tokens.service.js';
import { canSeeVersion, viewerOf } from '../auth/visibility.js';
import type { EvaluationWithContext } from './evaluations.repository.js';
import { presentEvaluation } from './evaluation.presenter.js';
import { EvaluationQueue, QueueUnavailableError } from './evaluation-queue.js';
import { EvaluationsRepository } from './evaluations.repository.js';
import { EvaluationShardsRepository } from './evaluation-shards.repository.js';
import type { ListEvaluationsQuery } from './evaluations.schemas.js';

/** An evaluation is seen by whoever sees its model version (auth/visibility.ts). */
function canSee(principal: Principal | undefined, e: EvaluationWithContext): boolean {
  return canSeeVersion(viewerOf(principal), { visibility: e.modelVersion.visibility, owner: e.modelVersion.model.owner });
}

@Injectable()
export class EvaluationsService {
  constructor(
    @Inject(EvaluationsRepository) private readonly evaluations: EvaluationsRepository,
    @Inject(EvaluationShardsRepository) private readonly shards: EvaluationShardsRepository,
    @Inject(EvaluationQueue) private readonly queue: EvaluationQueue,
    @Inject(ArtifactStore) private readonly store: ArtifactStore,
  ) {}

  async get(id: string, principal?: Principal) {
    const e = await this.evaluations.findById(id);
    if (!e || !canSee(principal, e)) throw new NotFoundException(`evaluation ${id} not found or private`);
    return presentEvaluation(e);
  }

  /** Where the PNG grid of an evaluation's first samples is stored; 404 when unseen or absent. */
  async sampleGridPath(id: string, principal?: Principal): Promise<string> {
    const e = await this.evaluations.findById(id);
    if (!e || !canSee(principal, e)) throw new NotFoundException(`evaluation ${id} not found or private`);
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
      viewer: viewerOf(principal),
    });
    return { total, items: rows.map(presentEvaluation) };
  }

  async cancel(id: string) {
    if (!(await this.evaluations.cancel(id))) {
      const e = await this.evaluations.findById(id);
      if (!e) throw new NotFoundException(`no evaluation ${id}`);
      throw new ConflictException(`evaluation ${id} is ${e.status}; only queued or running evaluations can be cancelled`);
    }
    // Every shard: their runners' next posts are refused and they stop.
    await this.shards.cancel(id);
    await this.queue.remove(id).catch(() => undefined);
    return this.view(id);
  }

  async retry(id: string) {
    if (!(await this.evaluations.requeue(id))) {
      const e = await this.evaluations.findById(id);
      if (!e) throw new NotFoundException(`no evaluation ${id}`);
      throw new ConflictException(`evaluation ${id} is ${e.status}; only failed or cancelled evaluations can be retried`);
    }
    // A sharded evaluation retries its unfinished shards only; the succeeded ones keep their partial results.
    await this.shards.requeueUnfinished(id);
    try {
      await this.queue.replace(id);
    } catch (err) {
      // Requeued in the database, which is the truth: the reconciler enqueues it once Redis answers again.
      if (!(err instanceof QueueUnavailableError)) throw err;
      return {
        ...(await this.view(id)),
        warnings: [`${err.message}; the evaluation is queued and scoring will start when the queue is back`],
      };
    }
    return this.view(id);
  }
}
