import { Module } from '@nestjs/common';
import { ArtifactsModule } from '../artifacts/artifacts.module.js';
import { ArenaController } from './arena.controller.js';
import { ArenaRepository } from './arena.repository.js';
import { ArenaService } from './arena.service.js';

@Module({
  imports: [ArtifactsModule],
  controllers: [ArenaController],
  providers: [ArenaRepository, ArenaService],
  exports: [ArenaService],
})
export class ArenaModule {}
