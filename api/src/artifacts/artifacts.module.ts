import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { ArtifactStore } from './artifact-store.js';
import { ArtifactSweeperService } from './artifact-sweeper.service.js';
import { ArtifactsRepository } from './artifacts.repository.js';

@Global()
@Module({
  providers: [
    { provide: ArtifactStore, inject: [APP_CONFIG], useFactory: (c: AppConfig) => new ArtifactStore(c.artifactDir) },
    ArtifactsRepository,
    ArtifactSweeperService,
  ],
  exports: [ArtifactStore, ArtifactsRepository, ArtifactSweeperService],
})
export class ArtifactsModule {}
