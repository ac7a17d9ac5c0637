import { Module } from '@nestjs/common';
import { EvaluationsModule } from '../evaluations/evaluations.module.js';
import { RunnerApiController } from './runner-api.controller.js';
import { RunnerApiService } from './runner-api.service.js';

@Module({ imports: [EvaluationsModule], controllers: [RunnerApiController], providers: [RunnerApiService] })
export class RunnerApiModule {}
