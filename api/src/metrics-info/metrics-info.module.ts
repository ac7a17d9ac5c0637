import { Module } from '@nestjs/common';
import { MetricsInfoController } from './metrics-info.controller.js';

@Module({ controllers: [MetricsInfoController] })
export class MetricsInfoModule {}
