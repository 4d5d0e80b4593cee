import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ClaimView, Filter, READ_STORE, ReadModels, ReadStore } from '@app/read-models';
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
    const [pageResult, totals] = await Promise.all([
      models.find('claims', { filter: where, sort: [['incidentDate', -1]], skip: (page - 1) * pageSize, limit: pageSize }),
      // Totals over every matching claim, not just this page.
      claimTotalsOf(models, regionCode, filter),
    ]);
    return {
      items: pageResult.items.map(({ id: _id, ...c }) => c as Omit<ClaimView, 'id'>),
      page,
      pageSize,
      total: pageResult.total,
      totals,
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
  const all = await models.find('claims', { filter: claimsFilter(regionCode, filter) });
  const totals: ClaimTotals = { count: 0, settledAmount: 0, byType: {} };
  for (const c of all.items as ClaimView[]) {
    const t = (totals.byType[c.type] ??= { count: 0, settledAmount: 0 });
    const settled = c.status === 'SETTLED' ? c.amount : 0;
    totals.count++;
    totals.settledAmount += settled;
    t.count++;
    t.settledAmount += settled;
  }
  return totals;
}
