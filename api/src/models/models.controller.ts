import { Body, Controller, Get, Inject, Param, Post, Query, Res, UploadedFiles, UseInterceptors } from '@nestjs/common';
import { FileFieldsInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Roles } from '../auth/auth.guard.js';
import type { Principal } from '../auth/tokens.service.js';
import { ApiErrors, ApiZodMultipart, ApiZodParam, ApiZodQuery, ApiZodResponse, CONTENT_RANGE } from '../common/openapi.js';
import { parseInput } from '../common/zod-validation.js';
import { DuplicateSubmission, ListModelsQuery, ModelDetail, ModelId, ModelPage, SubmitModelForm, SubmitResult } from './models.schemas.js';
import { ModelsService } from './models.service.js';
import { UPLOAD_FIELDS } from './companion-files.js';

@ApiTags('models')
@Controller('api/models')
export class ModelsController {
  constructor(@Inject(ModelsService) private readonly models: ModelsService) {}

  @Post()
  @Roles('submitter', 'admin')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Submit a model (a new version when the name exists) and queue its evaluations',
    description:
      'The file is inspected against the manifest before anything is stored; an exact duplicate of an existing version (same files and manifest) is refused with 409.',
  })
  @ApiZodMultipart(SubmitModelForm, ['manifest'])
  @ApiZodResponse(SubmitResult, { status: 201, description: 'Stored, and its evaluations queued' })
  @ApiResponse({ status: 409, description: 'A duplicate, or a name of another kind', standardSchema: DuplicateSubmission })
  @ApiErrors(413)
  @UseInterceptors(FileFieldsInterceptor(UPLOAD_FIELDS.map((name) => ({ name, maxCount: 1 }))))
  submit(
    @CurrentPrincipal() principal: Principal,
    @UploadedFiles() files: Partial<Record<string, Express.Multer.File[]>> | undefined,
    @Body() body: Record<string, unknown> | undefined,
  ) {
    // A JSON body names files sent before as resumable uploads (README.md, "Resumable uploads").
    if (body && 'uploads' in body && Object.keys(files ?? {}).length === 0) return this.models.submitUploads(principal, body);
    return this.models.submit(principal, {
      files: Object.fromEntries(UPLOAD_FIELDS.map((field) => [field, files?.[field]?.[0]])),
      body: body ?? {},
    });
  }

  @Get()
  @ApiOperation({ summary: 'List models (newest first); the total is also in Content-Range' })
  @ApiZodQuery(ListModelsQuery)
  @ApiZodResponse(ModelPage, { headers: CONTENT_RANGE })
  async list(@Query() query: unknown, @CurrentPrincipal() principal: Principal | undefined, @Res({ passthrough: true }) res: Response) {
    const q = parseInput(ListModelsQuery, query, 'query');
    const page = await this.models.list(q, principal);
    res.setHeader('Content-Range', `models ${q.offset}-${q.offset + page.items.length}/${page.total}`);
    res.setHeader('Access-Control-Expose-Headers', 'Content-Range');
    return page;
  }

  @Get(':id')
  @ApiOperation({ summary: 'A model with the versions the caller sees and their evaluations' })
  @ApiZodParam('id', ModelId)
  @ApiZodResponse(ModelDetail)
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal | undefined) {
    return this.models.get(parseInput(ModelId, id, 'model id'), principal);
  }
}
