import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthRepository } from './health.repository.js';

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  constructor(@Inject(HealthRepository) private readonly health: HealthRepository) {}

  /** Liveness plus a database round trip; 503 while PostgreSQL is unreachable. */
  @Get()
  async check() {
    try {
      await this.health.ping();
    } catch {
      throw new ServiceUnavailableException('database unreachable');
    }
    return { status: 'ok' };
  }
}
