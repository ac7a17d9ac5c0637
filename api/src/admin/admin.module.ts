import { Module } from '@nestjs/common';
import { ReconcilerModule } from '../reconciler/reconciler.module.js';
import { AdminController } from './admin.controller.js';

@Module({ imports: [ReconcilerModule], controllers: [AdminController] })
export class AdminModule {}
