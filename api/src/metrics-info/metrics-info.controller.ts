import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { METRICS } from '../../../contracts/metrics/registry.js';
import { ApiZodResponse } from '../common/openapi.js';
import { MetricInfoList } from './metrics-info.schemas.js';

/** The metric registry, so clients need not hard-code which direction is better. */
@ApiTags('metrics')
@Controller('api/metrics')
export class MetricsInfoController {
  @Get()
  @ApiOperation({ summary: 'The metric registry: ids, versions, which direction is better' })
  @ApiZodResponse(MetricInfoList)
  list() {
    return METRICS.map((m) => ({ id: m.id, version: m.version, higherIsBetter: m.higherIsBetter, description: m.description }));
  }
}
