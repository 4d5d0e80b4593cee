import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InvalidInput } from '@app/domain';
import { currentYear, GetUnpaidMonthsQuery, ListLapsingWorkersQuery, ListUnpaidMonthsQuery, scopeOfList } from '@app/ledger';
import { CurrentUser, Roles } from '../auth/decorators';
import { READERS } from '../auth/roles';
import type { AuthUser } from '../auth/user';
import { callerOf } from '../http/command-context';
import { paging } from '../http/paging';
import { ConsistentQuery } from '../http/query-options';
import { ApiQueryAnswer } from '../openapi/decorators';
import { AllocationUnpaidMonthsDto, LapsingAnswerDto, UnpaidMonthsAnswerDto } from '../openapi/worklists.answers';
import { LapsingQueryDto, UnpaidMonthsQueryDto } from './worklists.dto';

const ALLOCATION_ID = /^[\w-]{1,100}$/;

/**
 * The operators' worklists (issue 11 item 3): memberships that lapse next month, and months due and
 * unpaid per allocation. Claims waiting for a decision are `GET /api/v1/claims?status=SUBMITTED`.
 * Every reader may read them inside their regions; an allocation outside them answers as an unknown one.
 */
@ApiTags('worklists')
@ApiBearerAuth()
@Controller('api/v1')
export class WorklistsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('worklists/lapsing')
  @Roles(...READERS)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Workers whose membership is LAPSED from next month unless a contribution is paid (3 unpaid months after the last paid one)',
    description:
      "Active workers of a region (descendants included), paged, whose months unpaid since their last paid month reach 3 with the current month: each with the month that lapses, the day it lapses, the last day to pay, the last paid month and the unpaid months. 'Next month' is the region's own (rule 14). Never a full NIK.",
  })
  @ApiQueryAnswer({ type: LapsingAnswerDto })
  lapsing(@Query() query: LapsingQueryDto, @CurrentUser() user: AuthUser) {
    const { page, pageSize } = paging(query);
    return this.queries.execute(new ListLapsingWorkersQuery(scopeOfList(user, query.regionCode), page, pageSize));
  }

  @Get('worklists/unpaid-months')
  @Roles(...READERS)
  @ApiOperation({
    summary: "Months due and unpaid of every allocation of a fiscal year in the caller's region (descendants included), paged",
    description:
      'For each allocation, the months of its fiscal year up to the current one in which sponsored workers were ACTIVE and their contribution is unpaid: due date, workers due, paid, unpaid (still payable) and their amount, and those no longer payable (lapsed since).',
  })
  @ApiQueryAnswer({ type: UnpaidMonthsAnswerDto })
  unpaidMonths(@Query() query: UnpaidMonthsQueryDto, @CurrentUser() user: AuthUser) {
    const { page, pageSize } = paging(query);
    const regionCode = scopeOfList(user, query.regionCode);
    const fiscalYear = query.fiscalYear ? Number(query.fiscalYear) : currentYear(new Date(), regionCode);
    return this.queries.execute(new ListUnpaidMonthsQuery(regionCode, fiscalYear, page, pageSize));
  }

  @Get('allocations/:allocationId/unpaid-months')
  @Roles(...READERS)
  @ApiOperation({
    summary: "One allocation's months due and unpaid: its fiscal year up to the current month",
    description: 'An allocation outside the caller’s regions answers exactly as an unknown one (404).',
  })
  @ApiQueryAnswer({ type: AllocationUnpaidMonthsDto, errors: [404] })
  allocationUnpaidMonths(@Param('allocationId') allocationId: string, @Query() _query: ConsistentQuery, @CurrentUser() user: AuthUser) {
    if (!ALLOCATION_ID.test(allocationId)) throw new InvalidInput([{ field: 'allocationId', message: 'must be an allocation id' }]);
    return this.queries.execute(new GetUnpaidMonthsQuery(allocationId, callerOf(user)));
  }
}
