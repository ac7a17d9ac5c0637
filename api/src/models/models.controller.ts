import { Body, Controller, Get, Inject, Param, Post, Query, Res, UploadedFiles, UseInterceptors } from '@nestjs/common';
import { FileFieldsInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Roles } from '../auth/auth.guard.js';
import type { Principal } from '../auth/tokens.service.js';
import { parseInput } from '../common/zod-validation.js';
import { ListModelsQuery, ModelId } from './models.schemas.js';
import { ModelsService } from './models.service.js';

@ApiTags('models')
@Controller('api/models')
export class ModelsController {
  constructor(@Inject(ModelsService) private readonly models: ModelsService) {}

  @Post()
  @Roles('submitter', 'admin')
  @ApiBearerAuth()
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'manifest'],
      properties: {
        file: { type: 'string', format: 'binary', description: 'the ONNX model, or the .npz sample batch of a "samples" submission' },
        decoder: { type: 'string', format: 'binary', description: 'the decoder ONNX of a latent denoiser (manifest "latent")' },
        manifest: { type: 'string', description: 'manifest JSON (README.md, "Manifest")' },
        visibility: { type: 'string', enum: ['public', 'private'], description: 'private entries are seen only by their owner and admins' },
      },
    },
  })
  @UseInterceptors(
    FileFieldsInterceptor([
      { name: 'file', maxCount: 1 },
      { name: 'decoder', maxCount: 1 },
    ]),
  )
  submit(
    @CurrentPrincipal() principal: Principal,
    @UploadedFiles() files: { file?: Express.Multer.File[]; decoder?: Express.Multer.File[] } | undefined,
    @Body() body: Record<string, unknown> | undefined,
  ) {
    return this.models.submit(principal, files?.file?.[0], body?.manifest, body?.visibility ?? 'public', files?.decoder?.[0]);
  }

  @Get()
  async list(@Query() query: unknown, @CurrentPrincipal() principal: Principal | undefined, @Res({ passthrough: true }) res: Response) {
    const q = parseInput(ListModelsQuery, query, 'query');
    const page = await this.models.list(q, principal);
    res.setHeader('Content-Range', `models ${q.offset}-${q.offset + page.items.length}/${page.total}`);
    res.setHeader('Access-Control-Expose-Headers', 'Content-Range');
    return page;
  }

  @Get(':id')
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal | undefined) {
    return this.models.get(parseInput(ModelId, id, 'model id'), principal);
  }
}
