import { Module } from '@nestjs/common';
import { EvaluationsModule } from '../evaluations/evaluations.module.js';
import { ReconcilerService } from './reconciler.service.js';

@Module({ imports: [EvaluationsModule], providers: [ReconcilerService], exports: [ReconcilerService] })
export class ReconcilerModule {}
