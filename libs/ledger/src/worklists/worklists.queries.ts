import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { addMonths, COUNTRY, dueDateOf, lapseNextMonth, membershipTimeline, monthsDue, periodOf, SponsorshipSpan } from '@app/domain';
import { AllocationView, Filter, READ_STORE, ReadModels, ReadStore, WorkerView } from '@app/read-models';
import { assertVisible, subtreeFilter, unknownAllocation } from '../access/region-scope';
import type { Caller } from '../command-seam/command-context';
import { todayIn } from '../clock';
import { PersonalDataService } from '../privacy/personal-data';
import { nikMaskedOf } from '../workers/workers.queries';

/*
 * The operators' worklists (issue 11 item 3). The third one, claims waiting for a decision, is the
 * claims query with `status=SUBMITTED` (claims.queries.ts). The rules are the domain's pure functions
 * (libs/domain/src/workers/worklists.ts over the membership timeline); these handlers read the region's
 * today from the clock (rule 14) and give it to them as a fact.
 */

// ---------------------------------------------------------------- lapses next month

export interface LapsingWorker {
  workerId: string;
  /** Never a full NIK; null after erasure. */
  nikMasked: string | null;
  regionCode: string;
  occupation: string;
  allocationId: string;
  enrolledOn: string;
  lastPaidPeriod: string | null;
  reactivatedOn: string | null;
  unpaidPeriods: string[];
  lapsePeriod: string;
  lapsesOn: string;
  payBy: string;
}

export interface LapsingAnswer {
  regionCode: string;
  /** The region's today (rule 14) the list was worked out for; Jakarta's for the whole country. */
  today: string;
  /** The month whose start finds these memberships LAPSED if nothing more is paid. */
  lapsePeriod: string;
  items: LapsingWorker[];
  page: number;
  pageSize: number;
  total: number;
}

export class ListLapsingWorkersQuery extends Query<LapsingAnswer> {
  constructor(
    readonly regionCode: string,
    readonly page: number,
    readonly pageSize: number,
    readonly now: Date = new Date(),
  ) {
    super();
  }
}

/** One region per time zone, to learn the next month everywhere in the country (WIB, WITA, WIT). */
const ZONE_REGIONS = ['31', '53', '94'];

@QueryHandler(ListLapsingWorkersQuery)
export class ListLapsingWorkersHandler implements IQueryHandler<ListLapsingWorkersQuery> {
  constructor(
    @Inject(READ_STORE) private readonly reads: ReadStore,
    private readonly personal: PersonalDataService,
  ) {}

  async execute({ regionCode, page, pageSize, now }: ListLapsingWorkersQuery): Promise<LapsingAnswer> {
    const today = todayIn(regionCode, now);
    const lapsePeriod = addMonths(periodOf(today), 1);
    // The whole country spans three time zones: for a few hours around midnight at a month's end the
    // next month differs between them, and each worker is judged by the day of its own region.
    const nextPeriods = [
      ...new Set((regionCode === COUNTRY ? ZONE_REGIONS : [regionCode]).map((r) => addMonths(periodOf(todayIn(r, now)), 1))),
    ];
    // The projection keeps the lapse month of the current run (`lapsesFrom`, from the same timeline):
    // the candidates are found on the index, each one is then confirmed by the domain's function.
    const where: Filter = {
      ...subtreeFilter('regionCode', regionCode),
      status: 'ACTIVE',
      lapsesFrom: nextPeriods.length === 1 ? nextPeriods[0] : { in: nextPeriods },
    };
    const result = await (
      await this.reads.active()
    ).find('workers', {
      filter: where,
      sort: [
        ['regionCode', 1],
        ['enrolledOn', 1],
      ],
      skip: (page - 1) * pageSize,
      limit: pageSize,
    });
    const views = result.items as WorkerView[];
    const opened = await this.personal.openMany(
      views.filter((w) => !w.erased && w.sealed?.length).map((w) => ({ workerId: w.workerId, sealed: w.sealed ?? [] })),
    );
    const items: LapsingWorker[] = [];
    for (const w of views) {
      const warning = lapseNextMonth(membershipTimeline(w.facts ?? []), todayIn(w.regionCode, now));
      if (!warning) continue;
      items.push({
        workerId: w.workerId,
        nikMasked: nikMaskedOf(w, opened.get(w.workerId)),
        regionCode: w.regionCode,
        occupation: w.occupation,
        allocationId: w.allocationId,
        enrolledOn: w.enrolledOn,
        ...warning,
      });
    }
    return { regionCode, today, lapsePeriod, items, page, pageSize, total: result.total - (views.length - items.length) };
  }
}

// ---------------------------------------------------------------- months due and unpaid

export interface UnpaidMonth {
  period: string;
  dueDate: string;
  /** The due date has passed in the allocation's region. */
  overdue: boolean;
  /** Sponsored workers who were members, ACTIVE in the month (rules 8, 9). */
  workersDue: number;
  workersPaid: number;
  /** Due, unpaid and still payable today: the worklist. */
  workersUnpaid: number;
  /** What paying them costs (their tariffs of the month), whole rupiah. */
  amountUnpaid: number;
  /** Due and unpaid, but no longer payable: the membership lapsed since (re-activate, never back-pay) or ended. */
  workersNoLongerPayable: number;
}

export interface AllocationUnpaidMonths {
  allocationId: string;
  regionCode: string;
  fundingSource: string;
  fiscalYear: number;
  programName: string;
  /** The last month looked at: the allocation region's current month, or December of its year. */
  throughPeriod: string | null;
  /** The months of the fiscal year up to `throughPeriod` with a sponsored worker's month unpaid, oldest first. */
  months: UnpaidMonth[];
  totals: { workersUnpaid: number; amountUnpaid: number; workersNoLongerPayable: number };
}

export interface UnpaidMonthsAnswer {
  regionCode: string;
  fiscalYear: number;
  items: AllocationUnpaidMonths[];
  page: number;
  pageSize: number;
  total: number;
}

/** One allocation's months; an unknown allocation, or one outside the caller's regions, is the same NotFound. */
export class GetUnpaidMonthsQuery extends Query<AllocationUnpaidMonths> {
  constructor(
    readonly allocationId: string,
    readonly caller: Pick<Caller, 'regions'>,
    readonly now: Date = new Date(),
  ) {
    super();
  }
}

/** The allocations of a fiscal year in a region (descendants included), paged, each with its months. */
export class ListUnpaidMonthsQuery extends Query<UnpaidMonthsAnswer> {
  constructor(
    readonly regionCode: string,
    readonly fiscalYear: number,
    readonly page: number,
    readonly pageSize: number,
    readonly now: Date = new Date(),
  ) {
    super();
  }
}

@QueryHandler(GetUnpaidMonthsQuery)
export class GetUnpaidMonthsHandler implements IQueryHandler<GetUnpaidMonthsQuery> {
  constructor(@Inject(READ_STORE) private readonly reads: ReadStore) {}

  async execute({ allocationId, caller, now }: GetUnpaidMonthsQuery): Promise<AllocationUnpaidMonths> {
    const models = await this.reads.active();
    const allocation = (await models.get('allocations', allocationId)) as AllocationView | undefined;
    assertVisible(caller, allocation?.regionCode, unknownAllocation(allocationId));
    return (await unpaidMonthsOf(models, allocation!.regionCode, [allocation!], now))[0];
  }
}

@QueryHandler(ListUnpaidMonthsQuery)
export class ListUnpaidMonthsHandler implements IQueryHandler<ListUnpaidMonthsQuery> {
  constructor(@Inject(READ_STORE) private readonly reads: ReadStore) {}

  async execute({ regionCode, fiscalYear, page, pageSize, now }: ListUnpaidMonthsQuery): Promise<UnpaidMonthsAnswer> {
    const models = await this.reads.active();
    const allocations = await models.find('allocations', {
      filter: { fiscalYear, ...subtreeFilter('regionCode', regionCode) },
      sort: [
        ['regionCode', 1],
        ['allocatedOn', 1],
      ],
      skip: (page - 1) * pageSize,
      limit: pageSize,
    });
    const items = await unpaidMonthsOf(models, regionCode, allocations.items as AllocationView[], now);
    return { regionCode, fiscalYear, items, page, pageSize, total: allocations.total };
  }
}

/**
 * The months due and unpaid of the given allocations, from the workers of `regionCode` (which holds
 * every worker they may fund: rule 2 keeps an allocation's workers inside its region). One pass over
 * the workers; each worker's months from the domain's `monthsDue`, with the worker region's today.
 */
export async function unpaidMonthsOf(
  models: ReadModels,
  regionCode: string,
  allocations: readonly AllocationView[],
  now: Date,
): Promise<AllocationUnpaidMonths[]> {
  const byId = new Map(allocations.map((a) => [a.allocationId, a]));
  const through = new Map<string, string | null>();
  for (const a of allocations) {
    const current = periodOf(todayIn(a.regionCode, now));
    const last = current < `${a.fiscalYear}-12` ? current : `${a.fiscalYear}-12`;
    through.set(a.allocationId, last >= `${a.fiscalYear}-01` ? last : null);
  }
  const cells = new Map<string, Map<string, UnpaidMonth>>(allocations.map((a) => [a.allocationId, new Map()]));
  const years = [...new Set(allocations.filter((a) => through.get(a.allocationId)).map((a) => a.fiscalYear))];
  if (years.length > 0) {
    const from = `${Math.min(...years)}-01`;
    const to = [...through.values()].reduce<string>((max, p) => (p && p > max ? p : max), from);
    const subtrees = subtreesOf(
      allocations.map((a) => a.regionCode),
      regionCode,
    );
    for (const subtree of subtrees) {
      const workers = await models.find('workers', { filter: subtreeFilter('regionCode', subtree) });
      for (const w of workers.items as WorkerView[]) {
        const spans = sponsorshipOf(w);
        if (!spans.some((s) => cells.has(s.allocationId))) continue;
        const months = monthsDue(membershipTimeline(w.facts ?? []), spans, { from, to, today: todayIn(w.regionCode, now) });
        for (const m of months) {
          const allocation = byId.get(m.allocationId);
          const last = through.get(m.allocationId);
          if (!allocation || !last || m.period > last || m.period < `${allocation.fiscalYear}-01`) continue;
          const byPeriod = cells.get(m.allocationId)!;
          let cell = byPeriod.get(m.period);
          if (!cell) {
            const today = todayIn(allocation.regionCode, now);
            cell = {
              period: m.period,
              dueDate: dueDateOf(m.period),
              overdue: today > dueDateOf(m.period),
              workersDue: 0,
              workersPaid: 0,
              workersUnpaid: 0,
              amountUnpaid: 0,
              workersNoLongerPayable: 0,
            };
            byPeriod.set(m.period, cell);
          }
          cell.workersDue++;
          if (m.paid) cell.workersPaid++;
          else if (m.payable) {
            cell.workersUnpaid++;
            cell.amountUnpaid += m.amount;
          } else cell.workersNoLongerPayable++;
        }
      }
    }
  }
  return allocations.map((a) => {
    const months = [...cells.get(a.allocationId)!.values()]
      .filter((m) => m.workersUnpaid > 0 || m.workersNoLongerPayable > 0)
      .sort((x, y) => (x.period < y.period ? -1 : 1));
    return {
      allocationId: a.allocationId,
      regionCode: a.regionCode,
      fundingSource: a.fundingSource,
      fiscalYear: a.fiscalYear,
      programName: a.programName,
      throughPeriod: through.get(a.allocationId) ?? null,
      months,
      totals: {
        workersUnpaid: months.reduce((s, m) => s + m.workersUnpaid, 0),
        amountUnpaid: months.reduce((s, m) => s + m.amountUnpaid, 0),
        workersNoLongerPayable: months.reduce((s, m) => s + m.workersNoLongerPayable, 0),
      },
    };
  });
}

/** The regions to scan: the allocations' own, minus those inside another one; never wider than `scope`. */
function subtreesOf(regions: readonly string[], scope: string): string[] {
  const inside = (r: string, of: string) => of === COUNTRY || r === of || r.startsWith(`${of}.`);
  const unique = [...new Set(regions.map((r) => (inside(r, scope) ? r : scope)))];
  return unique.filter((r) => !unique.some((o) => o !== r && inside(r, o)));
}

/** The worker's sponsors by month; read models written before `sponsorship` existed fall back to the current sponsor. */
function sponsorshipOf(w: WorkerView): SponsorshipSpan[] {
  return w.sponsorship?.length ? w.sponsorship : [{ allocationId: w.allocationId, fromPeriod: periodOf(w.enrolledOn) }];
}
