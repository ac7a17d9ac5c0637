import { Module } from '@nestjs/common';
import { EvaluationsModule } from '../evaluations/evaluations.module.js';
import { HealthController } from './health.controller.js';
import { HealthRepository } from './health.repository.js';
import { HealthService } from './health.service.js';

@Module({ imports: [EvaluationsModule], controllers: [HealthController], providers: [HealthRepository, HealthService] })
export class HealthModule {}
