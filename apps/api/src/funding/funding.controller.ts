import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllocateFundingCommand, assertRegionAccess, CommandContext, currentYear, GetFundingQuery, ReviseFundingCommand } from '@app/ledger';
import { CurrentUser, Roles } from '../auth/decorators';
import { READERS } from '../auth/roles';
import type { AuthUser } from '../auth/user';
import { CommandCtx } from '../http/command-context';
import { RegionParamPipe } from '../http/region-param.pipe';
import { AllocateFundingDto, FundingQueryDto, ReviseFundingDto } from './funding.dto';

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
  async allocate(@Body() body: AllocateFundingDto, @CommandCtx() context: CommandContext) {
    return this.commands.execute(new AllocateFundingCommand({ ...body }, context));
  }

  @Post('allocations/:allocationId/revisions')
  @HttpCode(200)
  @Roles('finance')
  @ApiOperation({ summary: 'Revise an allocation to a new total, e.g. in the APBD Perubahan (finance)' })
  async revise(@Param('allocationId') allocationId: string, @Body() body: ReviseFundingDto, @CommandCtx() context: CommandContext) {
    return this.commands.execute(new ReviseFundingCommand({ allocationId, ...body }, context));
  }

  @Get('funding/:regionCode')
  @Roles(...READERS)
  @ApiOperation({ summary: "A region's funding in a fiscal year, its descendants' allocations included" })
  async funding(@Param('regionCode', RegionParamPipe) regionCode: string, @Query() query: FundingQueryDto, @CurrentUser() user: AuthUser) {
    assertRegionAccess(user, regionCode);
    return this.queries.execute(new GetFundingQuery(regionCode, query.fiscalYear ? Number(query.fiscalYear) : currentYear()));
  }
}
