import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiZodResponse } from '../common/openapi.js';
import { Whoami } from './auth.schemas.js';
import { CurrentPrincipal, Roles } from './auth.guard.js';
import type { Principal } from './tokens.service.js';

@ApiTags('auth')
@ApiBearerAuth()
@Controller('api/auth')
export class WhoamiController {
  /** Checks a token before a large upload: who it belongs to, its role and quota. */
  @Get('whoami')
  @ApiOperation({ summary: 'Who a token belongs to, its role and daily quota' })
  @ApiZodResponse(Whoami)
  @Roles('submitter', 'admin', 'runner')
  whoami(@CurrentPrincipal() p: Principal) {
    return { owner: p.owner, role: p.role, dailyQuota: p.dailyQuota };
  }
}
