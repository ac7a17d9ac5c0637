import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { presentEvaluation } from './evaluation.presenter.js';
import { EvaluationsRepository } from './evaluations.repository.js';
import type { ListEvaluationsQuery } from './evaluations.schemas.js';

@Injectable()
export class EvaluationsService {
  constructor(@Inject(EvaluationsRepository) private readonly evaluations: EvaluationsRepository) {}

  async get(id: string) {
    const e = await this.evaluations.findById(id);
    if (!e) throw new NotFoundException(`no evaluation ${id}`);
    return presentEvaluation(e);
  }

  async list(q: ListEvaluationsQuery) {
    const [rows, total] = await this.evaluations.list({ status: q.status, modelId: q.modelId, suiteId: q.suiteId, take: q.limit, skip: q.offset });
    return { total, items: rows.map(presentEvaluation) };
  }
}
