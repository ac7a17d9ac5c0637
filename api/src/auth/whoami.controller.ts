import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from './auth.guard.js';
import type { Principal } from './tokens.service.js';

@ApiTags('auth')
@ApiBearerAuth()
@Controller('api/auth')
export class WhoamiController {
  /** Checks a token before a large upload: who it belongs to, its role and quota. */
  @Get('whoami')
  @Roles('submitter', 'admin', 'runner')
  whoami(@CurrentPrincipal() p: Principal) {
    return { owner: p.owner, role: p.role, dailyQuota: p.dailyQuota };
  }
}
