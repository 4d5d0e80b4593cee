import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import {
  Conflict,
  contains,
  DomainError,
  FieldError,
  Forbidden,
  fundingDecider,
  allocationStream,
  InvalidInput,
  NotFound,
  RuleViolation,
} from '@app/domain';
import { canonicalJson, sha256 } from '@app/event-store';
import { READ_STORE, ReadStore } from '@app/read-models';
import { NikAlreadyEnrolled, unknownAllocation } from '../access/region-scope';
import type { Caller, CommandContext } from '../command-seam/command-context';
import { uuidFrom } from '../command-seam/command-context';
import { CommandSeam } from '../command-seam/command-seam';
import { WorkerIds } from '../infrastructure/worker-ids';
import { JobRecord, JobService } from '../jobs/job.service';
import { EnrolWorkerCommand } from '../workers/workers.commands';
import { ColumnMap, columnsOf, enrolmentFieldsOf, RosterFormat, RosterRow, rosterRows } from './roster';
import { enrolmentFieldErrors, RowValidator } from './row-validation';

export const IMPORT_JOB = 'WORKER_IMPORT';
/** Read-store records holding every refused row of an import, in chunks: `{jobId}:{n}`. */
export const IMPORT_REFUSALS_NAMESPACE = 'import-refusals';
/** How many refusals the job's result carries inline; all of them are in refused.csv. */
export const INLINE_REFUSALS = 1_000;
const CHUNK = 1_000;
const PROGRESS_EVERY_MS = 250;

/** One reason a row was refused: its number as a spreadsheet shows it (header = row 1), the field, why. */
export interface RefusedRow {
  row: number;
  field: string;
  reason: string;
}

export interface ImportResult {
  rowsRead: number;
  enrolled: number;
  alreadyEnrolled: number;
  /** Rows refused (a row refused for several fields counts once; each field has its line in refusedRows). */
  refused: number;
  /** The first 1,000 refusals by row; GET /api/v1/jobs/{jobId}/refused.csv has them all. */
  refusedRows: RefusedRow[];
  /** Present (true) when refusedRows holds only the first 1,000 of refusedRowCount. */
  refusedRowsTruncated?: boolean;
  /** How many lines refused.csv has. */
  refusedRowCount: number;
}

/** The uploaded roster, stored whole in a temporary file; removed when the import ends. */
export interface RosterFile {
  path: string;
  format: RosterFormat;
  /** SHA-256 of the file's bytes (hex): with the row number, each row's command id. */
  sha256: string;
}

export interface ImportParams {
  allocationId: string;
  enrolledOn: string;
}

export interface ImportOptions {
  /** The check of one enrolment's fields: the API passes its DTO's; default the same rules from the domain's functions. */
  validate?: RowValidator;
  onProgress?: (progress: { done: number; total: number }, counts: Omit<ImportResult, 'refusedRows' | 'refusedRowCount'>) => void;
  /** Remove the file when the import ends (the API's uploads); the CLI leaves the user's file alone. */
  removeFile?: boolean;
}

/** The SHA-256 (hex) of a file, streamed. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const isEmpty = (row: RosterRow) => row.cells.every((c) => c.trim() === '');

/**
 * Roster import (api.md 1.1, `POST /api/v1/workers/imports`; CLI `import`): every row of a CSV or
 * XLSX roster, streamed, checked with the rules of a single enrolment and sent as the same
 * `EnrolWorkerCommand` on the CommandBus (so through the handler and the CommandSeam: one code path,
 * nothing written around it). Each row's command carries a context derived from the file's hash and
 * the row number (an Idempotency-Key in all but name): a second upload of the same file, or a retry
 * after a crash, is answered from the first enrolment and counted `alreadyEnrolled`; a NIK enrolled
 * and active otherwise is `alreadyEnrolled` too. The work is a job (`JobService`) with progress and
 * the result; every refused row is kept in the read store's records for refused.csv.
 */
@Injectable()
export class ImportService {
  /**
   * Enrolments in flight at once (each is one durable command). Many at once, so that their writes
   * arrive in the same turns of the event loop and share the stores' group commits (the key store's
   * new data keys, the ledger's appends: one fsync for the lot instead of two per row). The window
   * also bounds what the import holds in memory; rows beyond it wait in the file.
   */
  concurrency = 256;
  private readonly logger = new Logger('RosterImport');
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly commands: CommandBus,
    private readonly seam: CommandSeam,
    private readonly jobs: JobService,
    private readonly ids: WorkerIds,
    @Inject(READ_STORE) private readonly reads: ReadStore,
  ) {}

  /**
   * The allocation the import enrols into: it must exist and lie where the caller acts (a region of the
   * caller's inside it, or it inside one of theirs); otherwise it answers as an unknown one (404).
   */
  async checkAllocation(allocationId: string, caller: Pick<Caller, 'regions'>): Promise<void> {
    const allocation = await this.seam.read(fundingDecider, [allocationStream(allocationId)]);
    const region = allocation.exists ? allocation.regionCode : undefined;
    if (!region || !caller.regions.some((r) => contains(r, region) || contains(region, r)))
      throw new NotFound(unknownAllocation(allocationId));
  }

  /**
   * Checks the header row (a 400 naming each missing column), records the job and runs the import in
   * the background. Answers the job (RUNNING) and the promise of its end.
   */
  async start(
    file: RosterFile,
    params: ImportParams,
    context: Pick<CommandContext, 'caller' | 'correlationId'>,
    options: ImportOptions = {},
  ): Promise<{ job: JobRecord; done: Promise<JobRecord> }> {
    let rows: AsyncGenerator<RosterRow> | undefined;
    let columns: ColumnMap;
    try {
      await this.checkAllocation(params.allocationId, context.caller);
      rows = rosterRows(file.path, file.format);
      let header = await rows.next();
      while (!header.done && isEmpty(header.value)) header = await rows.next();
      if (header.done)
        throw new InvalidInput([{ field: 'file', message: 'the roster is empty: it needs a header row and a row per worker' }]);
      columns = columnsOf(header.value.cells);
    } catch (error) {
      await rows?.return(undefined);
      if (options.removeFile) await rm(file.path, { force: true });
      throw error;
    }
    const job = await this.jobs.create(IMPORT_JOB, context.caller, 0);
    const done = this.run(job, rows, columns, file, params, context, options).finally(async () => {
      if (options.removeFile) await rm(file.path, { force: true });
    });
    this.running.add(done);
    void done.finally(() => this.running.delete(done));
    return { job: { ...job, progress: { ...job.progress } }, done };
  }

  /** Waits for the imports running in this process (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  /** Every refusal of an import job, in row order (for refused.csv); the job must be visible to the reader (JobService.get). */
  async refusals(job: JobRecord): Promise<RefusedRow[]> {
    if (job.kind !== IMPORT_JOB) throw new NotFound(`job ${job.jobId} is not a roster import`);
    const all: RefusedRow[] = [];
    for (let n = 0; ; n++) {
      const chunk = await this.reads.getRecord(IMPORT_REFUSALS_NAMESPACE, `${job.jobId}:${n}`);
      if (!chunk) break;
      all.push(...(chunk.rows as RefusedRow[]));
    }
    return all.sort(byRow);
  }

  /** Worker ids of NIKs (the ledger's pepper): for a sponsorship transfer given as a file of NIKs. */
  workerIdsOf(niks: readonly string[]): string[] {
    return niks.map((nik) => this.ids.forNik(nik));
  }

  private async run(
    job: JobRecord,
    rows: AsyncGenerator<RosterRow>,
    columns: ColumnMap,
    file: RosterFile,
    params: ImportParams,
    context: Pick<CommandContext, 'caller' | 'correlationId'>,
    options: ImportOptions,
  ): Promise<JobRecord> {
    const validate = options.validate ?? enrolmentFieldErrors;
    const counts = { rowsRead: 0, enrolled: 0, alreadyEnrolled: 0, refused: 0 };
    let inline: RefusedRow[] = [];
    let pending: RefusedRow[] = [];
    let chunks = 0;
    let refusedRowCount = 0;
    let truncated = false;
    let done = 0;
    let lastSaved = 0;
    const seen = new Map<string, number>();
    const inFlight = new Set<Promise<void>>();
    let freed: (() => void) | undefined;
    let fatal: Error | undefined;

    const flush = async (all: boolean) => {
      while (pending.length >= CHUNK || (all && pending.length > 0)) {
        const rowsOfChunk = pending.slice(0, CHUNK);
        pending = pending.slice(CHUNK);
        await this.reads.putRecord(IMPORT_REFUSALS_NAMESPACE, `${job.jobId}:${chunks++}`, { jobId: job.jobId, rows: rowsOfChunk });
      }
    };
    const refuse = (row: number, errors: FieldError[]) => {
      counts.refused++;
      for (const e of errors.length ? errors : [{ field: 'row', message: 'refused' }]) {
        const refusal = { row, field: e.field, reason: e.message };
        refusedRowCount++;
        pending.push(refusal);
        inline.push(refusal);
      }
      if (inline.length > 2 * INLINE_REFUSALS) {
        inline = inline.sort(byRow).slice(0, INLINE_REFUSALS);
        truncated = true;
      }
    };
    const progress = async (force = false) => {
      options.onProgress?.({ done, total: job.progress.total }, counts);
      if (!force && Date.now() - lastSaved < PROGRESS_EVERY_MS) return;
      lastSaved = Date.now();
      job.progress = { done, total: Math.max(job.progress.total, done) };
      await flush(false);
      await this.jobs.save(job);
    };

    try {
      // The total, for the progress: a first pass over the file (streamed, no enrolment).
      job.progress.total = await this.countRows(file);
      await this.jobs.save(job);
      const headAtStart = await this.seam.headPosition();
      for await (const row of rows) {
        if (fatal) break;
        if (isEmpty(row)) continue;
        counts.rowsRead++;
        const input = enrolmentFieldsOf(row, columns, params, file.format);
        const errors = input.nik.startsWith('#NUMBER:')
          ? [
              {
                field: 'nik',
                message: 'the NIK was stored as a number, which keeps only 15 to 16 significant digits: format the NIK column as text',
              },
            ]
          : validate(input);
        if (errors.length === 0) {
          const first = seen.get(input.nik);
          if (first !== undefined) errors.push({ field: 'nik', message: `the same NIK as row ${first}: a person is enrolled once` });
          else seen.set(input.nik, row.row);
        }
        if (errors.length) {
          refuse(row.row, errors);
          done++;
          await progress();
          continue;
        }
        const enrolment = this.enrol(input, row.row, file, params, context, headAtStart).then(
          (outcome) => {
            if (outcome === 'enrolled') counts.enrolled++;
            else if (outcome === 'already') counts.alreadyEnrolled++;
            else refuse(row.row, outcome);
            done++;
          },
          (error: Error) => {
            fatal ??= error;
          },
        );
        const tracked: Promise<void> = enrolment.finally(() => {
          inFlight.delete(tracked);
          freed?.();
        });
        inFlight.add(tracked);
        // The window: at most `concurrency` rows in flight (and so in memory); the reader waits for a free slot.
        if (inFlight.size >= this.concurrency) await new Promise<void>((resolve) => (freed = resolve));
        freed = undefined;
        await progress();
      }
      await Promise.all(inFlight);
      if (fatal) throw fatal;
      await flush(true);
      const refusedRows = inline.sort(byRow).slice(0, INLINE_REFUSALS);
      const result: ImportResult = {
        ...counts,
        refusedRows,
        ...(truncated || refusedRowCount > INLINE_REFUSALS ? { refusedRowsTruncated: true } : {}),
        refusedRowCount,
      };
      const finished: JobRecord = {
        ...job,
        status: 'SUCCEEDED',
        progress: { done, total: Math.max(job.progress.total, done) },
        finishedAt: new Date().toISOString(),
        result: result as unknown as Record<string, unknown>,
      };
      options.onProgress?.(finished.progress, counts);
      await this.jobs.save(finished);
      return finished;
    } catch (error) {
      await Promise.allSettled([...inFlight]);
      await rows.return(undefined).catch(() => undefined);
      await flush(true).catch(() => undefined);
      const detail =
        error instanceof DomainError
          ? error.message
          : `the import stopped: ${(error as Error).message}; upload the same file again to go on (rows already enrolled are counted alreadyEnrolled)`;
      if (!(error instanceof DomainError)) this.logger.error(`import ${job.jobId} failed: ${(error as Error).stack ?? String(error)}`);
      const failed: JobRecord = {
        ...job,
        status: 'FAILED',
        progress: { done, total: Math.max(job.progress.total, done) },
        finishedAt: new Date().toISOString(),
        error: detail,
        result: { ...counts, refusedRows: inline.sort(byRow).slice(0, INLINE_REFUSALS), refusedRowCount } as unknown as Record<
          string,
          unknown
        >,
      };
      await this.jobs.save(failed);
      return failed;
    }
  }

  private async countRows(file: RosterFile): Promise<number> {
    let n = -1; // the header
    for await (const row of rosterRows(file.path, file.format)) if (!isEmpty(row)) n++;
    return Math.max(n, 0);
  }

  /**
   * One row as the same command as `POST /api/v1/workers`, with a context of its own: the command id
   * from the caller, the file's hash, the import's parameters and the row number; the request hash
   * from the row's fields. A row of this file enrolled before (an earlier upload, a crashed run) is
   * answered from that first enrolment, at a position before this import began: `already`.
   */
  private async enrol(
    input: Record<string, string>,
    row: number,
    file: RosterFile,
    params: ImportParams,
    context: Pick<CommandContext, 'caller' | 'correlationId'>,
    headAtStart: string | undefined,
  ): Promise<'enrolled' | 'already' | FieldError[]> {
    const commandContext: CommandContext = {
      caller: context.caller,
      correlationId: context.correlationId,
      commandId: uuidFrom('roster-import', context.caller.userId, file.sha256, params.allocationId, params.enrolledOn, String(row)),
      requestHash: sha256(canonicalJson({ rosterImport: file.sha256, row, input })),
    };
    const { nik, fullName, birthDate, sex, regionCode, occupation, allocationId, enrolledOn } = input;
    try {
      const { position } = await this.commands.execute(
        new EnrolWorkerCommand(
          { nik, fullName, birthDate, sex: sex as 'M' | 'F', regionCode, occupation: occupation as never, allocationId, enrolledOn },
          commandContext,
        ),
      );
      return headAtStart !== undefined && position <= headAtStart ? 'already' : 'enrolled';
    } catch (error) {
      if (error instanceof NikAlreadyEnrolled || (error instanceof Conflict && /already enrolled/.test(error.message))) return 'already';
      if (error instanceof DomainError) return refusalsOf(error);
      throw error;
    }
  }
}

/** A refused enrolment as the rows of refused.csv: the error's fields, or the field its rule is about. */
function refusalsOf(error: DomainError): FieldError[] {
  if (error.errors.length) return error.errors.map((e) => ({ field: e.field, message: e.message }));
  if (error instanceof Forbidden) return [{ field: 'regionCode', message: error.message }];
  if (error instanceof RuleViolation && /cannot fund/.test(error.message)) return [{ field: 'regionCode', message: error.message }];
  if (error instanceof NotFound) return [{ field: 'allocationId', message: error.message }];
  if (error instanceof Conflict && /erased/.test(error.message))
    return [{ field: 'nik', message: "this person's personal data was erased: the NIK cannot be enrolled again" }];
  return [{ field: 'row', message: error.message }];
}

const byRow = (a: RefusedRow, b: RefusedRow) => a.row - b.row;

/** refused.csv: `row,field,reason`, RFC 4180 quoting, CRLF line ends. */
export function refusalsCsv(refusals: readonly RefusedRow[]): string {
  const quote = (v: string | number) => {
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return ['row,field,reason', ...refusals.map((r) => [r.row, r.field, r.reason].map(quote).join(','))].join('\r\n') + '\r\n';
}
