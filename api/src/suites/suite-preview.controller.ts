import { BadRequestException, Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ManifestError, parseManifest } from '../../../contracts/manifest/manifest.schemas.js';
import { resolutionOf, taskOf } from '../models/models.service.js';
import { ApiZodBody, ApiZodResponse } from '../common/openapi.js';
import { SuitePreview } from './suites.schemas.js';
import { SuitesService } from './suites.service.js';

/** POST /api/suites/preview: the manifest as JSON text or as an object, exactly as the submission would carry it. */
export const SuitePreviewRequest = z.object({ manifest: z.union([z.string(), z.record(z.string(), z.unknown())]) }).strict();

/** One suite a submission of this manifest would be queued on, or skip and why. */
export interface PreviewedSuite {
  id: string;
  version: number;
  /** `queued`: an evaluation would be created; `unavailable`: this server lacks its files; `not-applicable`: its protocol cannot drive the model. */
  outcome: 'queued' | 'unavailable' | 'not-applicable';
  reason: string | null;
}

/**
 * Which suites a submission would go to, before uploading anything: the same matching a submission runs
 * (kind, resolution, task, the sampler's fit to the manifest, the suite's files being here). Facts only
 * the uploaded file can tell (a denoiser's time-input dtype, a sample batch's size) are not known yet, so a
 * suite listed as queued may still be skipped at submission, with its reason in the submission's warnings.
 */
@ApiTags('suites')
@Controller('api/suites/preview')
export class SuitePreviewController {
  constructor(@Inject(SuitesService) private readonly suites: SuitesService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Which suites a submission of this manifest would be queued on, and which it would skip and why (stores nothing)',
  })
  @ApiZodBody(SuitePreviewRequest)
  @ApiZodResponse(SuitePreview)
  async preview(@Body() body: unknown) {
    const parsed = SuitePreviewRequest.safeParse(body);
    if (!parsed.success)
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'expected a JSON body {"manifest": …}',
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.') || 'body', message: i.message })),
      });
    let manifest;
    try {
      manifest = parseManifest(parsed.data.manifest);
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: err.message,
        issues: err.issues.map((i) => ({ path: `manifest${i.path ? '.' + i.path : ''}`, message: i.message })),
      });
    }
    const resolution = resolutionOf(manifest);
    const task = taskOf(manifest);
    const m = await this.suites.matching(manifest.kind, resolution, task, { manifest, facts: {} });
    const suites: PreviewedSuite[] = [
      ...m.available.map((v) => ({ id: v.suiteId, version: v.version, outcome: 'queued' as const, reason: null })),
      ...m.unavailable.map((u) => ({ id: u.suiteId, version: u.version, outcome: 'unavailable' as const, reason: u.message })),
      ...m.notApplicable.map((u) => ({ id: u.suiteId, version: u.version, outcome: 'not-applicable' as const, reason: u.message })),
    ].sort((a, b) => a.id.localeCompare(b.id));
    return { kind: manifest.kind, resolution: resolution ?? null, task: task ?? null, suites };
  }
}
