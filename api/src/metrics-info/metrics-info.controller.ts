import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { METRICS } from '../../../runner/src/metrics/registry.js';

/** The metric registry, so clients need not hard-code which direction is better. */
@ApiTags('metrics')
@Controller('api/metrics')
export class MetricsInfoController {
  @Get()
  list() {
    return METRICS.map((m) => ({ id: m.id, version: m.version, higherIsBetter: m.higherIsBetter, description: m.description }));
  }
}
