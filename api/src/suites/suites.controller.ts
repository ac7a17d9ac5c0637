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
    return rows.map(presentSuite);
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    return presentSuite(await this.suites.get(id));
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
