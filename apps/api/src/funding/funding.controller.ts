import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { CurrentUser, Roles } from '../auth/decorators';
import { assertRegionAccess } from '../auth/region-scope';
import { READERS } from '../auth/roles';
import type { AuthUser } from '../auth/user';
import { actorOf } from '../http/actor';
import { RegionParamPipe } from '../http/region-param.pipe';
import { currentYear } from '../http/clock';
import { AllocateFundingCommand, ReviseFundingCommand } from './funding.commands';
import { AllocateFundingDto, FundingQueryDto, ReviseFundingDto } from './funding.dto';
import { GetFundingQuery } from './funding.queries';

@ApiTags('funding')
@ApiBearerAuth()
@Controller('api/v1')
export class FundingController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('allocations')
  @Roles('finance')
  @ApiOperation({ summary: 'Record a budget allocation (finance)' })
  async allocate(@Body() body: AllocateFundingDto, @CurrentUser() user: AuthUser, @Req() req: Request) {
    assertRegionAccess(user, body.regionCode);
    return this.commands.execute(new AllocateFundingCommand({ type: 'AllocateFunding', allocationId: randomUUID(), ...body }, actorOf(user, req)));
  }

  @Post('allocations/:allocationId/revisions')
  @HttpCode(200)
  @Roles('finance')
  @ApiOperation({ summary: 'Revise an allocation to a new total, e.g. in the APBD Perubahan (finance)' })
  async revise(@Param('allocationId') allocationId: string, @Body() body: ReviseFundingDto, @CurrentUser() user: AuthUser, @Req() req: Request) {
    return this.commands.execute(new ReviseFundingCommand({ type: 'ReviseFunding', allocationId, ...body }, actorOf(user, req), user));
  }

  @Get('funding/:regionCode')
  @Roles(...READERS)
  @ApiOperation({ summary: "A region's funding in a fiscal year, its descendants' allocations included" })
  async funding(@Param('regionCode', RegionParamPipe) regionCode: string, @Query() query: FundingQueryDto, @CurrentUser() user: AuthUser) {
    assertRegionAccess(user, regionCode);
    return this.queries.execute(new GetFundingQuery(regionCode, query.fiscalYear ? Number(query.fiscalYear) : currentYear()));
  }
}
