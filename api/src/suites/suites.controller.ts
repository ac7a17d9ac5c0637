import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SuitesService } from './suites.service.js';

@ApiTags('suites')
@Controller('api/suites')
export class SuitesController {
  constructor(@Inject(SuitesService) private readonly suites: SuitesService) {}

  @Get()
  async list() {
    const rows = await this.suites.list();
    return Promise.all(rows.map((s) => this.present(s)));
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    return this.present(await this.suites.get(id));
  }

  private async present(s: Awaited<ReturnType<SuitesService['get']>>) {
    const latest = s.versions[0];
    const a = latest
      ? await this.suites.availabilityOf(latest.protocol)
      : { available: false as const, message: 'no version', missing: [] };
    return { ...presentSuite(s), available: a.available, unavailableReason: a.available ? null : a.message };
  }
}

function presentSuite(s: Awaited<ReturnType<SuitesService['get']>>) {
  const latest = s.versions[0];
  return {
    id: s.id,
    task: s.task,
    resolution: s.resolution,
    description: s.description,
    latestVersion: latest?.version ?? null,
    primaryMetric: latest?.primaryMetric ?? null,
    higherIsBetter: latest?.higherIsBetter ?? null,
    kinds: latest?.kinds ?? [],
    versions: s.versions.map((v) => ({ version: v.version, createdAt: v.createdAt, definition: v.protocol })),
  };
}
