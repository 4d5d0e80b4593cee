import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ClaimView, Filter, READ_STORE, ReadStore } from '@app/read-models';
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
    const where: Filter = { ...subtreeFilter('regionCode', regionCode) };
    if (filter.type) where.type = filter.type;
    if (filter.status) where.status = filter.status;
    if (filter.from || filter.to) where.incidentDate = { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lte: filter.to } : {}) };
    const models = await this.reads.active();
    const [pageResult, all] = await Promise.all([
      models.find('claims', { filter: where, sort: [['incidentDate', -1]], skip: (page - 1) * pageSize, limit: pageSize }),
      // Totals over every matching claim, not just this page.
      models.find('claims', { filter: where }),
    ]);
    const totals: ClaimsAnswer['totals'] = { count: 0, settledAmount: 0, byType: {} };
    for (const c of all.items as ClaimView[]) {
      const t = (totals.byType[c.type] ??= { count: 0, settledAmount: 0 });
      const settled = c.status === 'SETTLED' ? c.amount : 0;
      totals.count++;
      totals.settledAmount += settled;
      t.count++;
      t.settledAmount += settled;
    }
    return { items: pageResult.items.map(({ id: _id, ...c }) => c as Omit<ClaimView, 'id'>), page, pageSize, total: pageResult.total, totals };
  }
}
