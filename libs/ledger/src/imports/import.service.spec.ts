import { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childrenOf, makeNik, workerStream } from '@app/domain';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { AllocateFundingCommand } from '../funding/funding.commands';
import { commandContext } from '../command-seam/command-context';
import { createLedgerContext } from '../ledger.context';
import { loadLedgerConfig } from '../config';
import { ImportResult, ImportService, sha256OfFile } from './import.service';

jest.setTimeout(180_000);

const HEADER = 'nik,fullName,birthDate,sex,regionCode,occupation';

interface Person {
  nik: string;
  fullName: string;
  birthDate: string;
  sex: 'M' | 'F';
  regionCode: string;
}
const line = (p: Person) => [p.nik, p.fullName, p.birthDate, p.sex, p.regionCode, 'PETANI'].join(',');

/** Valid, distinct people of the villages of regency 53.03 (each its own serial number). */
const villages = childrenOf('53.03').flatMap((district) => childrenOf(district));
let serial = 0;
function person(): Person {
  const n = serial++;
  const regionCode = villages[n % villages.length];
  const birthDate = `19${70 + (n % 30)}-0${1 + (n % 9)}-1${n % 10}`;
  const sex = n % 2 ? 'F' : 'M';
  const district = regionCode.split('.').slice(0, 3).join('.');
  return { nik: makeNik(district, birthDate, sex, 1 + n), fullName: `Orang ${n}`, birthDate, sex, regionCode };
}

/**
 * The import keeps hundreds of rows in flight so their enrolments share the stores' group commits:
 * rows of one NIK must still give one enrolment, and a second upload must enrol nobody.
 */
describe('roster import with many rows in flight', () => {
  let dir: string;
  let app: INestApplicationContext;
  let imports: ImportService;
  let store: EventStore;
  let allocationId: string;
  const caller = { userId: 'ana', role: 'operator', regions: ['53'] };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-import-spec-'));
    app = await createLedgerContext(loadLedgerConfig({ DATA_DIR: join(dir, 'data'), RUN_PROJECTOR: 'false' }));
    imports = app.get(ImportService);
    imports.concurrency = 256;
    store = app.get<EventStore>(EVENT_STORE);
    const finance = commandContext({ caller: { userId: 'budi', role: 'finance', regions: ['ID'] }, correlationId: 'spec' });
    ({ allocationId } = await app.get(CommandBus).execute(
      new AllocateFundingCommand(
        {
          regionCode: '53.03',
          fundingSource: 'APBD_KABUPATEN_KOTA',
          fiscalYear: 2025,
          amount: 1_000 * 16_800 * 12,
          programName: 'spec',
          legalBasis: 'spec',
          allocatedOn: '2025-07-01',
        },
        finance,
      ),
    ));
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function runImport(name: string, lines: string[]) {
    const path = join(dir, name);
    writeFileSync(path, [HEADER, ...lines].join('\r\n') + '\r\n');
    const progress: number[] = [];
    const { done } = await imports.start(
      { path, format: 'csv', sha256: await sha256OfFile(path) },
      { allocationId, enrolledOn: '2025-07-07' },
      { caller, correlationId: `spec-${name}` },
      { onProgress: ({ done: n }) => progress.push(n) },
    );
    const job = await done;
    expect(job.status).toBe('SUCCEEDED');
    return { job, result: job.result as unknown as ImportResult, progress, refusals: await imports.refusals(job) };
  }

  const enrolmentsOf = async (nik: string) => {
    const workerId = imports.workerIdsOf([nik])[0];
    return (await store.readStream(workerStream(workerId))).filter((e) => e.type === 'WorkerEnrolled');
  };

  it('rows of the same NIK in flight together: one enrolment, each other row refused naming the first; again: nobody', async () => {
    const twin = person();
    const others = Array.from({ length: 600 }, () => person());
    // Rows 2, 3 and 4 are the same person (row 4 under another name); row 305 too, far inside the same window.
    const lines = [line(twin), line(twin), line({ ...twin, fullName: 'Someone Else' }), ...others.slice(0, 300).map(line)];
    lines.push(line(twin), ...others.slice(300).map(line));
    const first = await runImport('twins.csv', lines);
    expect(first.result).toMatchObject({ rowsRead: 604, enrolled: 601, alreadyEnrolled: 0, refused: 3, refusedRowCount: 3 });
    expect(first.refusals).toEqual(
      [3, 4, 305].map((row) => ({ row, field: 'nik', reason: 'the same NIK as row 2: a person is enrolled once' })),
    );
    expect(first.result.refusedRows).toEqual(first.refusals);
    expect(await enrolmentsOf(twin.nik)).toHaveLength(1);
    // Progress counts every row once, never backwards, and ends at the total.
    expect(first.progress.every((n, i) => i === 0 || n >= first.progress[i - 1])).toBe(true);
    expect(first.progress[first.progress.length - 1]).toBe(604);
    expect(first.job.progress).toEqual({ done: 604, total: 604 });

    const head = await store.headPosition();
    const again = await runImport('twins.csv', lines);
    expect(again.result).toMatchObject({ rowsRead: 604, enrolled: 0, alreadyEnrolled: 601, refused: 3 });
    expect(again.refusals).toEqual(first.refusals);
    expect(await store.headPosition()).toBe(head);
  });

  it('two files naming the same people, imported at the same time: each person enrolled once', async () => {
    const shared = Array.from({ length: 300 }, () => person());
    const [a, b] = await Promise.all([
      runImport('a.csv', shared.map(line)),
      runImport(
        'b.csv',
        [...shared].reverse().map((p) => line({ ...p, fullName: `${p.fullName} B` })),
      ),
    ]);
    expect(a.result.refused + b.result.refused).toBe(0);
    expect(a.result.enrolled + b.result.enrolled).toBe(300);
    expect(a.result.alreadyEnrolled + b.result.alreadyEnrolled).toBe(300);
    for (const p of shared.slice(0, 50)) expect(await enrolmentsOf(p.nik)).toHaveLength(1);
  });
});
