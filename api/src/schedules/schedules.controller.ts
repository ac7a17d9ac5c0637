import { Body, Controller, Delete, Get, Inject, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.guard.js';
import { parseInput } from '../common/zod-validation.js';
import { CreateScheduleBody, ScheduleId, UpdateScheduleBody } from './schedules.schemas.js';
import { SchedulesService } from './schedules.service.js';

@ApiTags('schedules')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/schedules')
export class SchedulesController {
  constructor(@Inject(SchedulesService) private readonly schedules: SchedulesService) {}

  @Get()
  list() {
    return this.schedules.list();
  }

  @Post()
  create(@Body() body: unknown) {
    return this.schedules.create(parseInput(CreateScheduleBody, body, 'schedule'));
  }

  @Patch(':id')
  update(@Param('id') id: string, @Body() body: unknown) {
    return this.schedules.update(parseInput(ScheduleId, id, 'schedule id'), parseInput(UpdateScheduleBody, body, 'schedule update'));
  }

  @Delete(':id')
  remove(@Param('id') id: string) {
    return this.schedules.remove(parseInput(ScheduleId, id, 'schedule id'));
  }
}
