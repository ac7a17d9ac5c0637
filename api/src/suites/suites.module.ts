import { Module } from '@nestjs/common';
import { SuitePreviewController } from './suite-preview.controller.js';
import { SuitesController } from './suites.controller.js';
import { SuitesRepository } from './suites.repository.js';
import { SuitesService } from './suites.service.js';

@Module({ controllers: [SuitesController, SuitePreviewController], providers: [SuitesRepository, SuitesService], exports: [SuitesService] })
export class SuitesModule {}
