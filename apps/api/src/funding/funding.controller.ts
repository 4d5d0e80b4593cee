import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AllocateFundingCommand,
  assertRegionAccess,
  CommandContext,
  currentYear,
  GetFundingQuery,
  ReviseFundingCommand,
  TransferSponsorshipCommand,
} from '@app/ledger';
import { CurrentUser, Roles } from '../auth/decorators';
import { READERS } from '../auth/roles';
import type { AuthUser } from '../auth/user';
import { CommandCtx } from '../http/command-context';
import { RegionParamPipe } from '../http/region-param.pipe';
import { AllocateFundingDto, FundingQueryDto, ReviseFundingDto } from './funding.dto';
import { TransferSponsorshipDto } from './sponsorships.dto';
import { AllocationCreatedDto, AllocationRevisedDto, FundingAnswerDto, SponsorshipAnswerDto } from '../openapi/answers';
import { ApiCommand, ApiQueryAnswer } from '../openapi/decorators';

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
  @ApiCommand({ type: AllocationCreatedDto, status: 201, errors: [404, 409, 422] })
  async allocate(@Body() body: AllocateFundingDto, @CommandCtx() context: CommandContext) {
    return this.commands.execute(new AllocateFundingCommand({ ...body }, context));
  }

  @Post('allocations/:allocationId/revisions')
  @HttpCode(200)
  @Roles('finance')
  @ApiOperation({ summary: 'Revise an allocation to a new total, e.g. in the APBD Perubahan (finance)' })
  @ApiCommand({ type: AllocationRevisedDto, status: 200, errors: [404, 409, 422] })
  async revise(@Param('allocationId') allocationId: string, @Body() body: ReviseFundingDto, @CommandCtx() context: CommandContext) {
    return this.commands.execute(new ReviseFundingCommand({ allocationId, ...body }, context));
  }

  /**
   * Rule 13: a new fiscal year's allocation takes over a cohort. For `finance`, who records the budget
   * line that takes over, and `operator`, who keeps the workers' records and pays their batches; both
   * only inside their regions (the allocation's region, and every named worker's).
   */
  @Post('allocations/:allocationId/sponsorships')
  @HttpCode(200)
  @Roles('finance', 'operator')
  @ApiOperation({
    summary:
      'Move a cohort to this allocation from effectivePeriod: every active worker of fromAllocationId, or the named workerIds (finance, operator)',
    description:
      "Answers { allocationId, workerCount, skipped: [{ workerId, reason, detail }], position } and, when nobody moved, detail. Workers that cannot move are skipped: EXITED, ALREADY_SPONSORED (by this allocation), OUTSIDE_REGION (of this allocation). A named worker unknown, or outside the caller's regions, is a 404; an effectivePeriod that the allocation's fiscal year does not pay is a 422. The default monthly batch of this allocation pays the transferred workers.",
  })
  @ApiCommand({ type: SponsorshipAnswerDto, status: 200, errors: [404, 409, 422] })
  async transferSponsorships(
    @Param('allocationId') allocationId: string,
    @Body() body: TransferSponsorshipDto,
    @CommandCtx() context: CommandContext,
  ) {
    const cohort = body.fromAllocationId !== undefined ? { fromAllocationId: body.fromAllocationId } : { workerIds: body.workerIds! };
    return this.commands.execute(
      new TransferSponsorshipCommand({ allocationId, effectivePeriod: body.effectivePeriod, ...cohort }, context),
    );
  }

  @Get('funding/:regionCode')
  @Roles(...READERS)
  @ApiOperation({ summary: "A region's funding in a fiscal year, its descendants' allocations included" })
  @ApiQueryAnswer({ type: FundingAnswerDto })
  async funding(@Param('regionCode', RegionParamPipe) regionCode: string, @Query() query: FundingQueryDto, @CurrentUser() user: AuthUser) {
    assertRegionAccess(user, regionCode);
    return this.queries.execute(new GetFundingQuery(regionCode, query.fiscalYear ? Number(query.fiscalYear) : currentYear()));
  }
}
