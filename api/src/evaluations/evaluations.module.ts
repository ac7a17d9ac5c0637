import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { EVALUATE_FLOW, EVALUATE_QUEUE } from '../../../contracts/jobs/evaluate.job.js';
import { EvaluationQueue } from './evaluation-queue.js';
import { EvaluationShardsRepository } from './evaluation-shards.repository.js';
import { EvaluationsController } from './evaluations.controller.js';
import { EvaluationsRepository } from './evaluations.repository.js';
import { EvaluationsService } from './evaluations.service.js';
import { EvaluationSamplesRepository } from './evaluation-samples.repository.js';
import { EvaluationSamplesService } from './evaluation-samples.service.js';

@Module({
  imports: [BullModule.registerQueue({ name: EVALUATE_QUEUE }), BullModule.registerFlowProducer({ name: EVALUATE_FLOW })],
  controllers: [EvaluationsController],
  providers: [
    EvaluationsRepository,
    EvaluationShardsRepository,
    EvaluationsService,
    EvaluationQueue,
    EvaluationSamplesRepository,
    EvaluationSamplesService,
  ],
  exports: [EvaluationsRepository, EvaluationShardsRepository, EvaluationQueue, EvaluationSamplesService],
})
export class EvaluationsModule {}
