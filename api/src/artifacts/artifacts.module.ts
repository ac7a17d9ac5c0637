import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { ArtifactStore } from './artifact-store.js';

@Global()
@Module({
  providers: [{ provide: ArtifactStore, inject: [APP_CONFIG], useFactory: (c: AppConfig) => new ArtifactStore(c.artifactDir) }],
  exports: [ArtifactStore],
})
export class ArtifactsModule {}
