import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { AuthFailureLimiter } from './auth-failures.js';
import { AuthGuard } from './auth.guard.js';
import { TokensRepository } from './tokens.repository.js';
import { TokensService } from './tokens.service.js';
import { WhoamiController } from './whoami.controller.js';

@Global()
@Module({
  controllers: [WhoamiController],
  providers: [
    TokensRepository,
    TokensService,
    { provide: AuthFailureLimiter, inject: [APP_CONFIG], useFactory: (c: AppConfig) => new AuthFailureLimiter(c.authFailuresPerMinute) },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokensService, AuthFailureLimiter],
})
export class AuthModule {}
