import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { maskNik, membershipTimeline, statusIn } from '@app/domain';
import { Filter, READ_STORE, ReadStore, WorkerView } from '@app/read-models';
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

export class ListWorkersQuery extends Query<{ items: WorkerAnswer[]; page: number; pageSize: number; total: number }> {
  constructor(
    readonly regionCode: string,
    readonly filter: { status?: WorkerStatus; allocationId?: string },
    readonly page: number,
    readonly pageSize: number,
  ) {
    super();
  }
}

@QueryHandler(ListWorkersQuery)
export class ListWorkersHandler implements IQueryHandler<ListWorkersQuery> {
  constructor(
    @Inject(READ_STORE) private readonly reads: ReadStore,
    private readonly personal: PersonalDataService,
  ) {}

  async execute({ regionCode, filter, page, pageSize }: ListWorkersQuery) {
    const period = currentPeriod();
    const where: Filter = { ...subtreeFilter('regionCode', regionCode), ...statusFilter(filter.status, period) };
    if (filter.allocationId) where.allocationId = filter.allocationId;
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
    // The masked NIKs are opened from the envelopes the view keeps (one key store read for the page).
    const opened = await this.personal.openMany(
      views.filter((w) => !w.erased && w.sealed?.length).map((w) => ({ workerId: w.workerId, sealed: w.sealed ?? [] })),
    );
    return { items: views.map((w) => toWorkerAnswer(w, period, opened.get(w.workerId))), page, pageSize, total: result.total };
  }
}

function statusFilter(status: WorkerStatus | undefined, period: string): Filter {
  if (status === 'EXITED') return { status: 'EXITED' };
  if (status === 'ACTIVE') return { status: 'ACTIVE', lapsesFrom: { gt: period } };
  if (status === 'LAPSED') return { status: 'ACTIVE', lapsesFrom: { lte: period } };
  return {};
}
