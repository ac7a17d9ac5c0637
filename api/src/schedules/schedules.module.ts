import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { ArenaModule } from '../arena/arena.module.js';
import { EvaluationsModule } from '../evaluations/evaluations.module.js';
import { SchedulesController } from './schedules.controller.js';
import { SchedulesRepository } from './schedules.repository.js';
import { SCHEDULE_QUEUE } from './schedules.schemas.js';
import { SchedulesService } from './schedules.service.js';

@Module({
  imports: [ArenaModule, EvaluationsModule, BullModule.registerQueue({ name: SCHEDULE_QUEUE })],
  controllers: [SchedulesController],
  providers: [SchedulesRepository, SchedulesService],
  exports: [SchedulesService],
})
export class SchedulesModule {}
