import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { CurrentUser, Roles } from '../auth/decorators';
import { READERS } from '../auth/roles';
import type { AuthUser } from '../auth/user';
import { actorOf } from '../http/actor';
import { today } from '../http/clock';
import { paging } from '../http/paging';
import { scopeOfList } from '../http/region-scope-query';
import { ClaimsQueryDto, RejectClaimDto, SettleClaimDto, SubmitClaimDto } from './claims.dto';
import { ClaimCommandMessage, ListClaimsQuery } from './claims.handlers';

@ApiTags('claims')
@ApiBearerAuth()
@Controller('api/v1/claims')
export class ClaimsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Roles('operator')
  @ApiOperation({ summary: 'Submit a JKK or JKM claim for a worker' })
  async submit(@Body() body: SubmitClaimDto, @CurrentUser() user: AuthUser, @Req() req: Request) {
    const { claimId, position } = await this.commands.execute(
      new ClaimCommandMessage(
        { type: 'SubmitClaim', claimId: randomUUID(), workerId: body.workerId, claimType: body.type, incidentDate: body.incidentDate, description: body.description, submittedOn: today() },
        actorOf(user, req),
        user,
      ),
    );
    return { claimId, position };
  }

  @Post(':claimId/settlement')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({ summary: 'Settle a claim with its benefit breakdown (only for a worker covered in the incident month)' })
  settle(@Param('claimId') claimId: string, @Body() body: SettleClaimDto, @CurrentUser() user: AuthUser, @Req() req: Request) {
    return this.commands.execute(new ClaimCommandMessage({ type: 'SettleClaim', claimId, ...body }, actorOf(user, req), user));
  }

  @Post(':claimId/rejection')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({ summary: 'Reject a claim' })
  async reject(@Param('claimId') claimId: string, @Body() body: RejectClaimDto, @CurrentUser() user: AuthUser, @Req() req: Request) {
    const { position } = await this.commands.execute(new ClaimCommandMessage({ type: 'RejectClaim', claimId, ...body }, actorOf(user, req), user));
    return { claimId, position };
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'Claims of a region (descendants included), paged, with totals over every match' })
  list(@Query() query: ClaimsQueryDto, @CurrentUser() user: AuthUser) {
    const { page, pageSize } = paging(query);
    return this.queries.execute(new ListClaimsQuery(scopeOfList(user, query.regionCode), { type: query.type, status: query.status, from: query.from, to: query.to }, page, pageSize));
  }
}
