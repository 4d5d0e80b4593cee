import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { FINDING_KINDS, FindingKind } from '@app/read-models';
import { ListFindingsQuery } from '@app/ledger';
import { CurrentUser, Roles } from '../auth/decorators';
import type { AuthUser } from '../auth/user';
import { callerOf } from '../http/command-context';
import { PageQuery, paging } from '../http/paging';
import { IsRegionCode } from '../http/validators';
import { FindingsAnswerDto } from '../openapi/answers';
import { ApiQueryAnswer } from '../openapi/decorators';

export class FindingsQueryDto extends PageQuery {
  @ApiPropertyOptional({
    example: '53',
    description: 'The region; its descendants are included. Default: the caller’s only region, or the country',
  })
  @IsOptional()
  @IsRegionCode()
  regionCode?: string;

  @ApiPropertyOptional({ example: '2025', description: 'The fiscal year of the allocation involved' })
  @IsOptional()
  @Matches(/^(20(1[5-9]|[2-9]\d)|2100)$/, { message: 'fiscalYear must be a year from 2015 to 2100' })
  fiscalYear?: string;

  @ApiPropertyOptional({ enum: FINDING_KINDS })
  @IsOptional()
  @IsIn(FINDING_KINDS)
  kind?: FindingKind;
}

const DESCRIPTION = `Every finding is a fact in the ledger, so the list replays like any read model (projection \`findings\`):
- \`DOUBLE_FUNDING\`: a \`DoubleFundingRefused\` event, one item per refused worker (the allocation's region; no amount);
- \`PAID_AFTER_EXIT\`: a \`ContributionRefunded\` event, one item per refunded worker-month (the worker's region; the refunded amount);
- \`LATE_PAYMENT\`: a \`ContributionPaid\` event paid after its due date (the worker's region; the contribution);
- \`REVISED_BELOW_TARGET\`: a \`FundingRevised\` event whose new amount is below targetWorkers × Rp16,800 × the months of the fiscal year from the allocation's month to December (the allocation's region; amount = the shortfall);
- \`DUPLICATE_CLAIM_REFUSED\`: always 0 for now. A refused command appends nothing, so a refused duplicate claim leaves no fact in the ledger; the kind is listed in the totals and will count once the ledger records such refusals.

\`position\` is the position of the event recording the finding; items come in ledger order. \`totals\` has every kind (count, and the sum of the amounts) over all matching findings, not just the page. A region outside the caller's answers 404.`;

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit/findings')
export class FindingsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Roles('auditor')
  @ApiOperation({
    summary: 'Audit findings of a region (descendants included), by fiscal year and kind, paged, with totals per kind (auditor)',
    description: DESCRIPTION,
  })
  @ApiQueryAnswer({ type: FindingsAnswerDto, errors: [404] })
  list(@Query() query: FindingsQueryDto, @CurrentUser() user: AuthUser) {
    const { page, pageSize } = paging(query);
    const filter = {
      regionCode: query.regionCode,
      fiscalYear: query.fiscalYear === undefined ? undefined : Number(query.fiscalYear),
      kind: query.kind,
    };
    return this.queries.execute(new ListFindingsQuery(callerOf(user), filter, page, pageSize));
  }
}
