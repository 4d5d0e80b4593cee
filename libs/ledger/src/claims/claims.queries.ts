import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ClaimView, Filter, Group, READ_STORE, ReadModels, ReadStore } from '@app/read-models';
import { subtreeFilter } from '../access/region-scope';

export interface ClaimsAnswer {
  items: Omit<ClaimView, 'id'>[];
  page: number;
  pageSize: number;
  total: number;
  totals: { count: number; settledAmount: number; byType: Record<string, { count: number; settledAmount: number }> };
}

export class ListClaimsQuery extends Query<ClaimsAnswer> {
  constructor(
    readonly regionCode: string,
    readonly filter: { type?: string; status?: string; from?: string; to?: string },
    readonly page: number,
    readonly pageSize: number,
  ) {
    super();
  }
}

@QueryHandler(ListClaimsQuery)
export class ListClaimsHandler implements IQueryHandler<ListClaimsQuery> {
  constructor(@Inject(READ_STORE) private readonly reads: ReadStore) {}

  async execute({ regionCode, filter, page, pageSize }: ListClaimsQuery): Promise<ClaimsAnswer> {
    const models = await this.reads.active();
    const where = claimsFilter(regionCode, filter);
    // Totals over every matching claim, not just this page: the store's aggregate over the same filter.
    const pageResult = await models.find('claims', {
      filter: where,
      sort: [['incidentDate', -1]],
      skip: (page - 1) * pageSize,
      limit: pageSize,
      group: CLAIM_GROUPS,
    });
    return {
      items: pageResult.items.map(({ id: _id, ...c }) => c as Omit<ClaimView, 'id'>),
      page,
      pageSize,
      total: pageResult.total,
      totals: claimTotalsFrom(pageResult.groups ?? []),
    };
  }
}

export type ClaimsFilter = ListClaimsQuery['filter'];
export type ClaimTotals = ClaimsAnswer['totals'];

/** The claims of a region and its descendants matching the filter (type, status, incident dates from/to). */
function claimsFilter(regionCode: string, filter: ClaimsFilter): Filter {
  const where: Filter = { ...subtreeFilter('regionCode', regionCode) };
  if (filter.type) where.type = filter.type;
  if (filter.status) where.status = filter.status;
  if (filter.from || filter.to)
    where.incidentDate = { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lte: filter.to } : {}) };
  return where;
}

/**
 * The totals of the claims query over every matching claim, from any read models: the live ones or
 * the in-memory state of a point-in-time report. One code path for both.
 */
export async function claimTotalsOf(models: ReadModels, regionCode: string, filter: ClaimsFilter): Promise<ClaimTotals> {
  const { groups } = await models.find('claims', { filter: claimsFilter(regionCode, filter), limit: 0, group: CLAIM_GROUPS });
  return claimTotalsFrom(groups ?? []);
}

/** Claims counted and their amounts summed per type and status: a claim's amount counts as settled when SETTLED. */
const CLAIM_GROUPS = { by: ['type', 'status'], sum: 'amount' } as const;

function claimTotalsFrom(groups: readonly Group[]): ClaimTotals {
  const totals: ClaimTotals = { count: 0, settledAmount: 0, byType: {} };
  for (const { key, count, sum } of groups) {
    const [type, status] = key as [string, string];
    const t = (totals.byType[type] ??= { count: 0, settledAmount: 0 });
    const settled = status === 'SETTLED' ? sum : 0;
    totals.count += count;
    totals.settledAmount += settled;
    t.count += count;
    t.settledAmount += settled;
  }
  return totals;
}
