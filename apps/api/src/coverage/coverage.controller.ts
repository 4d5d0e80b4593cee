import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { assertRegionAccess, CommandContext, currentPeriod, EstimateWorkforceCommand, GetCoverageQuery } from '@app/ledger';
import { CurrentUser, Roles } from '../auth/decorators';
import { READERS } from '../auth/roles';
import type { AuthUser } from '../auth/user';
import { CommandCtx } from '../http/command-context';
import { RegionParamPipe } from '../http/region-param.pipe';
import { CoverageQueryDto, WorkforceEstimateDto } from './coverage.dto';
import { CoverageAnswerDto, PositionAnswerDto } from '../openapi/answers';
import { ApiCommand, ApiQueryAnswer } from '../openapi/decorators';

@ApiTags('coverage')
@ApiBearerAuth()
@Controller('api/v1')
export class CoverageController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get('coverage/:regionCode')
  @Roles(...READERS)
  @ApiOperation({ summary: 'Enrolled and covered workers of a region for a month, with breakdowns, denominators and its children' })
  @ApiQueryAnswer({ type: CoverageAnswerDto })
  coverage(@Param('regionCode', RegionParamPipe) regionCode: string, @Query() query: CoverageQueryDto, @CurrentUser() user: AuthUser) {
    assertRegionAccess(user, regionCode);
    return this.queries.execute(new GetCoverageQuery(regionCode, query.period ?? currentPeriod()));
  }

  @Post('regions/:regionCode/workforce-estimates')
  @Roles('admin')
  @ApiOperation({ summary: 'Record the informal workforce of a region for a year (the denominator of coverage ratios)' })
  @ApiCommand({ type: PositionAnswerDto, status: 201, errors: [404, 409, 422] })
  estimate(@Param('regionCode', RegionParamPipe) regionCode: string, @Body() body: WorkforceEstimateDto, @CommandCtx() context: CommandContext) {
    return this.commands.execute(new EstimateWorkforceCommand({ regionCode, ...body }, context));
  }
}
