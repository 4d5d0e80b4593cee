import { Body, Controller, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentUser, Roles } from '../auth/decorators';
import type { AuthUser } from '../auth/user';
import { actorOf } from '../http/actor';
import { PayContributionsDto } from './contributions.dto';
import { PayContributionsCommand } from './contributions.handler';

@ApiTags('contributions')
@ApiBearerAuth()
@Controller('api/v1/contributions')
export class ContributionsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('operator')
  @ApiOperation({
    summary: "Pay one month's contributions from an allocation: all eligible workers, or none (422 with the shortfall)",
  })
  pay(@Body() body: PayContributionsDto, @CurrentUser() user: AuthUser, @Req() req: Request) {
    return this.commands.execute(new PayContributionsCommand(body, actorOf(user, req), user));
  }
}
