import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiZodResponse } from '../common/openapi.js';
import { HealthReportView } from './health.schemas.js';
import { HealthService } from './health.service.js';

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  constructor(@Inject(HealthService) private readonly health: HealthService) {}

  /**
   * 200 with each component's status when PostgreSQL, Redis and the evaluation queue all answer; 503 with
   * the same body, naming what is down, when any does not.
   */
  @Get()
  @ApiOperation({ summary: 'Health of the API and what it depends on' })
  @ApiZodResponse(HealthReportView, { description: 'Every component is up' })
  @ApiResponse({
    status: 503,
    description: 'A component is down: the same report, with `message` naming it',
    standardSchema: HealthReportView,
  })
  async check() {
    const report = await this.health.check();
    if (report.status !== 'ok') {
      const down = Object.entries(report.components)
        .filter(([, c]) => c.status === 'down')
        .map(([name]) => name);
      throw new ServiceUnavailableException({ statusCode: 503, message: `unavailable: ${down.join(', ')} down`, ...report });
    }
    return report;
  }
}
