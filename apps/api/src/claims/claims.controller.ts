import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, DecideClaimCommand, ListClaimsQuery, scopeOfList, SubmitClaimCommand } from '@app/ledger';
import { CurrentUser, Roles } from '../auth/decorators';
import { READERS } from '../auth/roles';
import type { AuthUser } from '../auth/user';
import { CommandCtx } from '../http/command-context';
import { paging } from '../http/paging';
import { ClaimsQueryDto, RejectClaimDto, SettleClaimDto, SubmitClaimDto } from './claims.dto';
import { ClaimCommandAnswerDto, ClaimSettledDto, ClaimsAnswerDto } from '../openapi/answers';
import { ApiCommand, ApiQueryAnswer } from '../openapi/decorators';

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
  @ApiCommand({ type: ClaimCommandAnswerDto, status: 201, errors: [404, 409, 422] })
  submit(@Body() body: SubmitClaimDto, @CommandCtx() context: CommandContext) {
    return this.commands.execute(
      new SubmitClaimCommand(
        { workerId: body.workerId, claimType: body.type, incidentDate: body.incidentDate, description: body.description },
        context,
      ),
    );
  }

  @Post(':claimId/settlement')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({ summary: 'Settle a claim with its benefit breakdown (only for a worker covered in the incident month)' })
  @ApiCommand({ type: ClaimSettledDto, status: 200, errors: [404, 409, 422] })
  settle(@Param('claimId') claimId: string, @Body() body: SettleClaimDto, @CommandCtx() context: CommandContext) {
    return this.commands.execute(new DecideClaimCommand({ type: 'SettleClaim', claimId, ...body }, context));
  }

  @Post(':claimId/rejection')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({ summary: 'Reject a claim' })
  @ApiCommand({ type: ClaimCommandAnswerDto, status: 200, errors: [404, 409, 422] })
  async reject(@Param('claimId') claimId: string, @Body() body: RejectClaimDto, @CommandCtx() context: CommandContext) {
    const { position } = await this.commands.execute(new DecideClaimCommand({ type: 'RejectClaim', claimId, ...body }, context));
    return { claimId, position };
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'Claims of a region (descendants included), paged, with totals over every match' })
  @ApiQueryAnswer({ type: ClaimsAnswerDto })
  list(@Query() query: ClaimsQueryDto, @CurrentUser() user: AuthUser) {
    const { page, pageSize } = paging(query);
    return this.queries.execute(
      new ListClaimsQuery(
        scopeOfList(user, query.regionCode),
        { type: query.type, status: query.status, from: query.from, to: query.to },
        page,
        pageSize,
      ),
    );
  }
}
