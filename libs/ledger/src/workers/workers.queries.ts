import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { InvalidInput, maskNik, membershipTimeline, statusIn } from '@app/domain';
import { Filter, keysetOf, READ_STORE, ReadStore, Scalar, WorkerView } from '@app/read-models';
import { subtreeFilter } from '../access/region-scope';
import { currentPeriod } from '../clock';
import { OpenedPersonal, PersonalDataService } from '../privacy/personal-data';

export type WorkerStatus = 'ACTIVE' | 'LAPSED' | 'EXITED';

export interface WorkerAnswer {
  workerId: string;
  nikMasked: string | null;
  regionCode: string;
  occupation: string;
  sex: string;
  status: WorkerStatus;
  enrolledOn: string;
  exitedOn: string | null;
  exitReason: string | null;
  allocationId: string;
  paidPeriods: string[];
  lastPaidPeriod: string | null;
  sponsors: string[];
  claims: WorkerView['claims'];
}

/**
 * The worker's status in a month from the membership timeline the projection keeps: the same
 * function the decider answers with (LAPSED is a matter of time passing, never stored).
 */
export function statusOfView(w: WorkerView, period: string): WorkerStatus {
  const status = statusIn(membershipTimeline(w.facts ?? []), period);
  // Before the first enrolment a worker is no member: shown as EXITED (the API knows no NEW).
  return status === 'NEW' ? 'EXITED' : status;
}

/**
 * The masked NIK, from the worker's opened personal data (`personal`: what PersonalDataService.open
 * answered; null once erased). Without it, only what the view holds of events written before
 * encryption; never anything after an erasure.
 */
export function nikMaskedOf(w: WorkerView, personal?: OpenedPersonal): string | null {
  if (w.erased || personal === null) return null;
  const nik = personal?.nik;
  if (typeof nik === 'string') return maskNik(nik);
  return w.nikMasked ?? null;
}

export function toWorkerAnswer(w: WorkerView, period = currentPeriod(new Date(), w.regionCode), personal?: OpenedPersonal): WorkerAnswer {
  const status = statusOfView(w, period);
  return {
    workerId: w.workerId,
    nikMasked: nikMaskedOf(w, personal),
    regionCode: w.regionCode,
    occupation: w.occupation,
    sex: w.sex,
    status,
    enrolledOn: w.enrolledOn,
    exitedOn: w.exitedOn,
    exitReason: w.exitReason,
    allocationId: w.allocationId,
    paidPeriods: w.paidPeriods,
    lastPaidPeriod: w.lastPaidPeriod,
    sponsors: w.sponsors,
    claims: w.claims,
  };
}

export class GetWorkerQuery extends Query<WorkerView | undefined> {
  constructor(readonly workerId: string) {
    super();
  }
}

@QueryHandler(GetWorkerQuery)
export class GetWorkerHandler implements IQueryHandler<GetWorkerQuery> {
  constructor(@Inject(READ_STORE) private readonly reads: ReadStore) {}

  async execute({ workerId }: GetWorkerQuery) {
    return (await (await this.reads.active()).get('workers', workerId)) as WorkerView | undefined;
  }
}

export interface WorkersPage {
  items: WorkerAnswer[];
  page: number;
  pageSize: number;
  total: number;
  /** The next page by keyset (`cursor=`): the same items as page + 1, without walking the pages before it; null on the last page. */
  nextCursor: string | null;
}

export class ListWorkersQuery extends Query<WorkersPage> {
  constructor(
    readonly regionCode: string,
    readonly filter: { status?: WorkerStatus; allocationId?: string },
    readonly page: number,
    readonly pageSize: number,
    /** A `nextCursor` of an earlier answer: the page after that one (`page` is then the cursor's). */
    readonly cursor?: string,
  ) {
    super();
  }
}

/** The list's order: by region, then enrolment date, ties by worker id (an index holds exactly this order). */
const WORKERS_ORDER = [
  ['regionCode', 1],
  ['enrolledOn', 1],
] as const;

@QueryHandler(ListWorkersQuery)
export class ListWorkersHandler implements IQueryHandler<ListWorkersQuery> {
  constructor(
    @Inject(READ_STORE) private readonly reads: ReadStore,
    private readonly personal: PersonalDataService,
  ) {}

  async execute({ regionCode, filter, page: asked, pageSize, cursor }: ListWorkersQuery): Promise<WorkersPage> {
    const period = currentPeriod();
    const where: Filter = { ...subtreeFilter('regionCode', regionCode), ...statusFilter(filter.status, period) };
    if (filter.allocationId) where.allocationId = filter.allocationId;
    const from = cursor === undefined ? undefined : decodeCursor(cursor);
    const page = from?.page ?? asked;
    // The region scope is in the filter whatever the cursor says: a cursor only says where to start.
    const result = await (
      await this.reads.active()
    ).find('workers', {
      filter: where,
      sort: WORKERS_ORDER,
      ...(from ? { after: from.after } : { skip: (page - 1) * pageSize }),
      limit: pageSize,
    });
    const views = result.items as WorkerView[];
    // The masked NIKs are opened from the envelopes the view keeps (one key store read for the page).
    const opened = await this.personal.openMany(
      views.filter((w) => !w.erased && w.sealed?.length).map((w) => ({ workerId: w.workerId, sealed: w.sealed ?? [] })),
    );
    const last = views.length === pageSize && page * pageSize < result.total ? views[views.length - 1] : undefined;
    const after = last && keysetOf(last, WORKERS_ORDER);
    return {
      items: views.map((w) => toWorkerAnswer(w, period, opened.get(w.workerId))),
      page,
      pageSize,
      total: result.total,
      nextCursor: after ? encodeCursor(page + 1, after) : null,
    };
  }
}

/** A keyset cursor: the page it starts and the keyset of the item before it, as base64url JSON. */
export function encodeCursor(page: number, after: readonly Scalar[]): string {
  return Buffer.from(JSON.stringify({ p: page, k: after }), 'utf8').toString('base64url');
}

const INVALID_CURSOR = () => new InvalidInput([{ field: 'cursor', message: 'is not a cursor this list answered' }]);

/** The cursor's page and keyset (region code, enrolment date, worker id); anything else is a 400. */
export function decodeCursor(cursor: string): { page: number; after: Scalar[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw INVALID_CURSOR();
  }
  const { p, k } = (parsed ?? {}) as { p?: unknown; k?: unknown };
  if (!Number.isSafeInteger(p) || (p as number) < 2 || !Array.isArray(k) || k.length !== WORKERS_ORDER.length + 1) throw INVALID_CURSOR();
  if (!k.every((v) => typeof v === 'string' && v.length > 0 && v.length <= 100)) throw INVALID_CURSOR();
  return { page: p as number, after: k as string[] };
}

function statusFilter(status: WorkerStatus | undefined, period: string): Filter {
  if (status === 'EXITED') return { status: 'EXITED' };
  if (status === 'ACTIVE') return { status: 'ACTIVE', lapsesFrom: { gt: period } };
  if (status === 'LAPSED') return { status: 'ACTIVE', lapsesFrom: { lte: period } };
  return {};
}
