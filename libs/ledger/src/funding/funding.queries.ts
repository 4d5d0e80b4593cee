import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { childrenOf, findRegion } from '@app/domain';
import { AllocationView, fundingTotalsId, FundingTotalsView, READ_STORE, ReadModels, ReadStore } from '@app/read-models';
import { subtreeFilter } from '../access/region-scope';

export interface FundingFigures {
  regionCode: string;
  regionName: string;
  fiscalYear: number;
  allocated: number;
  disbursed: number;
  remaining: number;
  /** Contributions refunded for months after an exit (rule 10); `disbursed` is net of them. */
  refunded: number;
  workerMonths: number;
  /** Worker-months offered by a batch but already paid by another allocation: refused, kept for audit. */
  doubleFundingRefused: number;
  bySource: Array<{ fundingSource: string; allocated: number; disbursed: number }>;
}

export interface FundingAnswer extends FundingFigures {
  allocations: AllocationView[];
  children: FundingFigures[];
}

export class GetFundingQuery extends Query<FundingAnswer> {
  constructor(
    readonly regionCode: string,
    readonly fiscalYear: number,
  ) {
    super();
  }
}

@QueryHandler(GetFundingQuery)
export class GetFundingHandler implements IQueryHandler<GetFundingQuery> {
  constructor(@Inject(READ_STORE) private readonly reads: ReadStore) {}

  async execute({ regionCode, fiscalYear }: GetFundingQuery): Promise<FundingAnswer> {
    return fundingOf(await this.reads.active(), regionCode, fiscalYear);
  }
}

/**
 * The funding of a region (its descendants' allocations included) and its children in a fiscal year,
 * from any read models: the live ones (the query above) or the in-memory state of a point-in-time
 * report. One code path for both.
 */
export async function fundingOf(models: ReadModels, regionCode: string, fiscalYear: number): Promise<FundingAnswer> {
  const children = childrenOf(regionCode);
  const totals = await models.getMany(
    'fundingTotals',
    [regionCode, ...children].map((r) => fundingTotalsId(r, fiscalYear)),
  );
  const allocations = await models.find('allocations', {
    filter: { fiscalYear, ...subtreeFilter('regionCode', regionCode) },
    sort: [
      ['regionCode', 1],
      ['allocatedOn', 1],
    ],
  });
  const figures = (code: string) =>
    toFigures(code, fiscalYear, totals.get(fundingTotalsId(code, fiscalYear)) as FundingTotalsView | undefined);
  return {
    ...figures(regionCode),
    allocations: allocations.items.map(({ id: _id, ...a }) => a as AllocationView),
    children: children.map(figures),
  };
}

function toFigures(regionCode: string, fiscalYear: number, t: FundingTotalsView | undefined): FundingFigures {
  return {
    regionCode,
    regionName: findRegion(regionCode)?.name ?? regionCode,
    fiscalYear,
    allocated: t?.allocated ?? 0,
    disbursed: t?.disbursed ?? 0,
    remaining: t?.remaining ?? 0,
    refunded: t?.refunded ?? 0,
    workerMonths: t?.workerMonths ?? 0,
    doubleFundingRefused: t?.doubleFundingRefused ?? 0,
    bySource: Object.entries(t?.bySource ?? {})
      .map(([fundingSource, s]) => ({ fundingSource, ...s }))
      .sort((a, b) => a.fundingSource.localeCompare(b.fundingSource)),
  };
}
