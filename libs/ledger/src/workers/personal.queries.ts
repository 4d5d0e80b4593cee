import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { READ_STORE, ReadStore, WorkerView } from '@app/read-models';
import { canAccessRegion } from '../access/region-scope';
import type { Caller } from '../command-seam/command-context';
import { WorkerIds } from '../infrastructure/worker-ids';
import { AccessLogService } from '../privacy/access-log';
import type { AccessLogEntry } from '../privacy/key-store.port';
import { PersonalDataService } from '../privacy/personal-data';
import { toWorkerAnswer, WorkerAnswer } from './workers.queries';

/** Who may read a person's name and birth date, and search by NIK (api.md, "Bounds"). */
export const PERSONAL_DATA_ROLES = ['operator', 'auditor'] as const;

/** A reader with every role of their token (the personal fields depend on the roles, not on the acting one). */
export interface PersonalReader {
  userId: string;
  roles: readonly string[];
  regions: Caller['regions'];
  requestId?: string;
}

/** The role under which a reader sees personal data, if any: operator before auditor. */
export function personalDataRoleOf(reader: Pick<PersonalReader, 'roles'>): (typeof PERSONAL_DATA_ROLES)[number] | undefined {
  return PERSONAL_DATA_ROLES.find((r) => reader.roles.includes(r));
}

/** One worker as GET /workers/{id} answers it; operators and auditors also get `fullName` and `birthDate` (null once erased). */
export type WorkerDetailAnswer = WorkerAnswer & { fullName?: string | null; birthDate?: string | null };

const PERSONAL_FIELDS = ['fullName', 'birthDate'];

/** GET /workers/{id}: undefined for an unknown worker and for one outside the reader's regions alike. */
export class ShowWorkerQuery extends Query<WorkerDetailAnswer | undefined> {
  constructor(
    readonly workerId: string,
    readonly reader: PersonalReader,
  ) {
    super();
  }
}

/** GET /workers?nik=: the worker with exactly this NIK, by its HMAC worker id; the NIK is neither kept nor logged. */
export class FindWorkerByNikQuery extends Query<{ items: WorkerDetailAnswer[]; page: number; pageSize: number; total: number }> {
  constructor(
    readonly nik: string,
    readonly reader: PersonalReader,
    readonly page: number,
    readonly pageSize: number,
  ) {
    super();
  }
}

/** GET /audit/access-log. */
export class AccessLogQuery extends Query<{ items: AccessLogEntry[] }> {
  constructor(
    readonly filter: { workerId?: string; userId?: string; from?: string; to?: string },
    readonly reader: Pick<Caller, 'regions'>,
  ) {
    super();
  }
}

abstract class PersonalQueries {
  constructor(
    protected readonly reads: ReadStore,
    protected readonly personal: PersonalDataService,
    protected readonly log: AccessLogService,
  ) {}

  protected async visibleWorker(workerId: string, reader: PersonalReader): Promise<WorkerView | undefined> {
    const view = (await (await this.reads.active()).get('workers', workerId)) as WorkerView | undefined;
    return view && canAccessRegion(reader, view.regionCode) ? view : undefined;
  }

  /** The answer with the fields the reader's roles allow; a read of name and birth date is logged first. */
  protected async detail(view: WorkerView, reader: PersonalReader, action: AccessLogEntry['action']): Promise<WorkerDetailAnswer> {
    const opened = view.erased ? null : await this.personal.open(view.workerId, view.sealed ?? []);
    const answer: WorkerDetailAnswer = toWorkerAnswer(view, undefined, opened);
    const role = personalDataRoleOf(reader);
    if (role) {
      await this.log.record({
        userId: reader.userId,
        role,
        action,
        workerId: view.workerId,
        regionCode: view.regionCode,
        fields: PERSONAL_FIELDS,
        requestId: reader.requestId,
      });
      answer.fullName = typeof opened?.fullName === 'string' ? opened.fullName : null;
      answer.birthDate = typeof opened?.birthDate === 'string' ? opened.birthDate : null;
    }
    return answer;
  }
}

@QueryHandler(ShowWorkerQuery)
export class ShowWorkerHandler extends PersonalQueries implements IQueryHandler<ShowWorkerQuery> {
  constructor(@Inject(READ_STORE) reads: ReadStore, personal: PersonalDataService, log: AccessLogService) {
    super(reads, personal, log);
  }

  async execute({ workerId, reader }: ShowWorkerQuery) {
    const view = await this.visibleWorker(workerId, reader);
    return view && this.detail(view, reader, 'READ');
  }
}

/**
 * The search is recorded as a search: who, when, and the worker found (none when nothing was found:
 * the NIK searched for, or its worker id, is never kept). An erased worker is not found by NIK any
 * more, and a worker outside the reader's regions is not found either.
 */
@QueryHandler(FindWorkerByNikQuery)
export class FindWorkerByNikHandler extends PersonalQueries implements IQueryHandler<FindWorkerByNikQuery> {
  constructor(
    @Inject(READ_STORE) reads: ReadStore,
    personal: PersonalDataService,
    log: AccessLogService,
    private readonly ids: WorkerIds,
  ) {
    super(reads, personal, log);
  }

  async execute({ nik, reader, page, pageSize }: FindWorkerByNikQuery) {
    const role = personalDataRoleOf(reader) ?? 'none';
    const found = await this.visibleWorker(this.ids.forNik(nik), reader);
    const view = found && !found.erased ? found : undefined;
    await this.log.record({
      userId: reader.userId,
      role,
      action: 'SEARCH_NIK',
      workerId: view?.workerId ?? null,
      regionCode: view?.regionCode ?? null,
      fields: [],
      requestId: reader.requestId,
    });
    const items = view && page === 1 ? [await this.detail(view, reader, 'READ')] : [];
    return { items, page, pageSize, total: view ? 1 : 0 };
  }
}

@QueryHandler(AccessLogQuery)
export class AccessLogHandler implements IQueryHandler<AccessLogQuery> {
  constructor(private readonly log: AccessLogService) {}

  async execute({ filter, reader }: AccessLogQuery) {
    return { items: await this.log.query(filter, reader) };
  }
}
