import { Controller, Get, Inject, Param, StreamableFile } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.guard.js';
import type { Principal } from '../auth/tokens.service.js';
import { ApiFileResponse, ApiZodParam, ApiZodResponse } from '../common/openapi.js';
import { SuiteId, SuiteList, SuitePrompts, SuiteView } from './suites.schemas.js';
import { SuitesService } from './suites.service.js';

@ApiTags('suites')
@Controller('api/suites')
export class SuitesController {
  constructor(@Inject(SuitesService) private readonly suites: SuitesService) {}

  @Get()
  @ApiOperation({ summary: 'Every suite, with its versions and whether this server can run it' })
  @ApiZodResponse(SuiteList)
  async list(@CurrentPrincipal() principal: Principal | undefined) {
    const rows = await this.suites.list();
    return Promise.all(rows.map((s) => this.present(s, principal)));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One suite' })
  @ApiZodParam('id', SuiteId)
  @ApiZodResponse(SuiteView)
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal | undefined) {
    return this.present(await this.suites.get(id), principal);
  }

  @Get(':id/prompts')
  @ApiOperation({ summary: "A text-to-image suite's prompt list: image i of a sample batch answers prompt i" })
  @ApiZodParam('id', SuiteId)
  @ApiZodResponse(SuitePrompts)
  prompts(@Param('id') id: string) {
    return this.suites.prompts(id);
  }

  @Get(':id/inputs')
  @ApiOperation({
    summary:
      "An image-conditioned suite's condition images as an ADM-style npz (arr_0 uint8 [N, m, m, 3]; arr_1 float32 [N, 3, m, m], what image_to_image models are fed): output i of a sample batch answers input i",
  })
  @ApiZodParam('id', SuiteId)
  @ApiFileResponse(['application/octet-stream'], 'The npz of the suite inputs')
  async inputs(@Param('id') id: string) {
    const { path, filename } = await this.suites.inputs(id);
    return new StreamableFile(createReadStream(path), {
      type: 'application/octet-stream',
      disposition: `attachment; filename="${filename}"`,
    });
  }

  /** Admins read where this server looks for the missing files; everyone else what to download and which setting. */
  private async present(s: Awaited<ReturnType<SuitesService['get']>>, principal: Principal | undefined) {
    const latest = s.versions[0];
    if (!latest) return { ...presentSuite(s), available: false, unavailableReason: 'no version' };
    const reason = await this.suites.storedVersionUnavailable(latest, principal?.role === 'admin');
    return { ...presentSuite(s), available: reason === null, unavailableReason: reason };
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
    versions: s.versions.map((v) => ({ version: v.version, createdAt: v.createdAt, definition: v.definition })),
  };
}
