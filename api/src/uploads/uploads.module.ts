import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { UploadStore } from './upload-store.js';
import { UploadsMiddleware } from './uploads.middleware.js';

@Module({
  providers: [UploadStore, UploadsMiddleware],
  exports: [UploadStore],
})
export class UploadsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(UploadsMiddleware)
      .forRoutes({ path: 'api/uploads', method: RequestMethod.ALL }, { path: 'api/uploads/*id', method: RequestMethod.ALL });
  }
}
