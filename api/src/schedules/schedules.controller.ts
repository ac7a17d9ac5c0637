import { Body, Controller, Delete, Get, Inject, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.guard.js';
import { ApiZodBody, ApiZodParam, ApiZodResponse } from '../common/openapi.js';
import { parseInput } from '../common/zod-validation.js';
import { CreateScheduleBody, ScheduleDeleted, ScheduleId, ScheduleList, ScheduleView, UpdateScheduleBody } from './schedules.schemas.js';
import { SchedulesService } from './schedules.service.js';

@ApiTags('schedules')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/schedules')
export class SchedulesController {
  constructor(@Inject(SchedulesService) private readonly schedules: SchedulesService) {}

  @Get()
  @ApiOperation({ summary: 'Every schedule with its latest firings' })
  @ApiZodResponse(ScheduleList)
  list() {
    return this.schedules.list();
  }

  @Post()
  @ApiOperation({ summary: 'Create a cron schedule that re-evaluates all models, one suite or one model' })
  @ApiZodBody(CreateScheduleBody)
  @ApiZodResponse(ScheduleView, { status: 201, description: 'Created' })
  create(@Body() body: unknown) {
    return this.schedules.create(parseInput(CreateScheduleBody, body, 'schedule'));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Enable, disable or rename a schedule' })
  @ApiZodParam('id', ScheduleId)
  @ApiZodBody(UpdateScheduleBody)
  @ApiZodResponse(ScheduleView)
  update(@Param('id') id: string, @Body() body: unknown) {
    return this.schedules.update(parseInput(ScheduleId, id, 'schedule id'), parseInput(UpdateScheduleBody, body, 'schedule update'));
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a schedule' })
  @ApiZodParam('id', ScheduleId)
  @ApiZodResponse(ScheduleDeleted)
  remove(@Param('id') id: string) {
    return this.schedules.remove(parseInput(ScheduleId, id, 'schedule id'));
  }
}
