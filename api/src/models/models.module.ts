import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { EvaluationsModule } from '../evaluations/evaluations.module.js';
import { SuitesModule } from '../suites/suites.module.js';
import { UploadsModule } from '../uploads/uploads.module.js';
import { UPLOAD_FIELDS } from './companion-files.js';
import { ModelsController } from './models.controller.js';
import { ModelsRepository } from './models.repository.js';
import { ModelsService } from './models.service.js';

@Module({
  imports: [
    SuitesModule,
    EvaluationsModule,
    UploadsModule,
    // Uploads go to disk under the data dir (same filesystem as the artifact store, so adoption is a rename).
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => ({
        dest: c.uploadTmpDir,
        // One part per upload field at most: the file and its companions (companion-files.ts).
        limits: { fileSize: c.maxUploadBytes, files: UPLOAD_FIELDS.length, fields: 5, fieldSize: 1024 * 1024 },
      }),
    }),
  ],
  controllers: [ModelsController],
  providers: [ModelsRepository, ModelsService],
})
export class ModelsModule {}
