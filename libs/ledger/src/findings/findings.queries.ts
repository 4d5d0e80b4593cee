import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { NotFound } from '@app/domain';
import { Filter, FINDING_KINDS, FindingKind, FindingView, READ_STORE, ReadStore } from '@app/read-models';
import { canAccessRegion, scopeOfList, subtreeFilter } from '../access/region-scope';
import type { Caller } from '../command-seam/command-context';

/** A finding as the API shows it (api.md "Audit and oversight"). */
export interface FindingItem {
  kind: FindingKind;
  regionCode: string;
  fiscalYear: number;
  allocationId: string;
  workerId?: string;
  period?: string;
  amount?: number;
  position: string;
  recordedAt: string;
  detail: string;
  /** DOUBLE_FUNDING: the allocation that had already paid, when the caller may see its region. */
  paidBy?: string;
}

export type FindingTotals = Record<FindingKind, { count: number; amount: number }>;

export interface FindingsAnswer {
  regionCode: string;
  fiscalYear: number | null;
  kind: FindingKind | null;
  items: FindingItem[];
  page: number;
  pageSize: number;
  total: number;
  /** Per kind, over every matching finding (not just this page); every kind is listed, 0 when none. */
  totals: FindingTotals;
}

export class ListFindingsQuery extends Query<FindingsAnswer> {
  constructor(
    readonly caller: Pick<Caller, 'userId' | 'regions'>,
    readonly filter: { regionCode?: string; fiscalYear?: number; kind?: FindingKind },
    readonly page: number,
    readonly pageSize: number,
  ) {
    super();
  }
}

/**
 * The findings of a region and its descendants (optionally of one fiscal year and one kind), in ledger
 * order, from the `findings` projection. A region outside the caller's answers like an unknown one
 * (404), as the other audit routes do.
 */
@QueryHandler(ListFindingsQuery)
export class ListFindingsHandler implements IQueryHandler<ListFindingsQuery> {
  constructor(@Inject(READ_STORE) private readonly reads: ReadStore) {}

  async execute({ caller, filter, page, pageSize }: ListFindingsQuery): Promise<FindingsAnswer> {
    if (filter.regionCode !== undefined && !canAccessRegion(caller, filter.regionCode))
      throw new NotFound(`region ${filter.regionCode} has no findings to show`);
    const regionCode = scopeOfList(caller, filter.regionCode);
    const where: Filter = { ...subtreeFilter('regionCode', regionCode) };
    if (filter.fiscalYear !== undefined) where.fiscalYear = filter.fiscalYear;
    if (filter.kind !== undefined) where.kind = filter.kind;
    const models = await this.reads.active();
    // The totals per kind are the store's aggregate over the same filter, not every finding read here.
    const pageResult = await models.find('findings', {
      filter: where,
      sort: [['position', 1]],
      skip: (page - 1) * pageSize,
      limit: pageSize,
      group: { by: ['kind'], sum: 'amount' },
    });
    const totals = Object.fromEntries(FINDING_KINDS.map((k) => [k, { count: 0, amount: 0 }])) as FindingTotals;
    for (const g of pageResult.groups ?? []) {
      const t = totals[g.key[0] as FindingKind];
      if (!t) continue;
      t.count += g.count;
      t.amount += g.sum;
    }
    return {
      regionCode,
      fiscalYear: filter.fiscalYear ?? null,
      kind: filter.kind ?? null,
      items: (pageResult.items as FindingView[]).map((f) => shown(f, caller)),
      page,
      pageSize,
      total: pageResult.total,
      totals,
    };
  }
}

function shown(f: FindingView, caller: Pick<Caller, 'regions'>): FindingItem {
  return {
    kind: f.kind,
    regionCode: f.regionCode,
    fiscalYear: f.fiscalYear,
    allocationId: f.allocationId,
    ...(f.workerId !== undefined && { workerId: f.workerId }),
    ...(f.period !== undefined && { period: f.period }),
    ...(f.amount !== undefined && { amount: f.amount }),
    position: f.position,
    recordedAt: f.recordedAt,
    detail: f.detail,
    // Another region's allocation is never named to a caller who may not see that region.
    ...(f.paidBy !== undefined && f.paidByRegionCode !== undefined && canAccessRegion(caller, f.paidByRegionCode) && { paidBy: f.paidBy }),
  };
}
