import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { EvaluationsModule } from '../evaluations/evaluations.module.js';
import { SuitesModule } from '../suites/suites.module.js';
import { ModelsController } from './models.controller.js';
import { ModelsRepository } from './models.repository.js';
import { ModelsService } from './models.service.js';

@Module({
  imports: [
    SuitesModule,
    EvaluationsModule,
    // Uploads go to disk under the data dir (same filesystem as the artifact store, so adoption is a rename).
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => ({
        dest: c.uploadTmpDir,
        limits: { fileSize: c.maxUploadBytes, files: 2, fields: 5, fieldSize: 1024 * 1024 },
      }),
    }),
  ],
  controllers: [ModelsController],
  providers: [ModelsRepository, ModelsService],
})
export class ModelsModule {}
