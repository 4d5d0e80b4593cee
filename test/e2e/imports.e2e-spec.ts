import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { AllocateFundingCommand, commandContext, createLedgerContext, loadLedgerConfig } from '@app/ledger';
import { PeopleFactory, villagesOf } from '../../apps/cli/src/demo/people';
import { startApp, TestApp } from '../support/app';
import { BAD_KINDS, makeRoster, Roster, rosterCsv, rosterXlsx } from '../support/roster';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ROOT = join(__dirname, '..', '..');
const WORKER_MONTH = 16_800;

interface ImportResult {
  rowsRead: number;
  enrolled: number;
  alreadyEnrolled: number;
  refused: number;
  refusedRows: Array<{ row: number; field: string; reason: string }>;
  refusedRowCount: number;
}

/** Parses refused.csv (row,field,reason; quoted reasons). */
function parseRefusedCsv(text: string): Array<{ row: number; field: string; reason: string }> {
  const lines = text.trim().split('\r\n');
  expect(lines[0]).toBe('row,field,reason');
  return lines.slice(1).map((line) => {
    const m = /^(\d+),([^,]+),(.*)$/.exec(line)!;
    const reason = m[3].startsWith('"') ? m[3].slice(1, -1).replace(/""/g, '"') : m[3];
    return { row: Number(m[1]), field: m[2], reason };
  });
}

// Thousands of durable enrolments (an fsync each) per test: minutes on a busy disk.
jest.setTimeout(300_000);

/** Roster import over HTTP (api.md 1.1, POST /api/v1/workers/imports), and the CLI's import and transfer. */
describe('roster import', () => {
  let t: TestApp;
  let allocation: string;
  const operator = (regions = ['53']) => t.as(['operator'], regions, 'ana-operator');
  const options = { regency: '53.03', outsideAllocation: '53.01.04.2003', outsideCaller: '52.01' };

  async function allocate(regionCode = '53.03', fundingSource = 'APBD_KABUPATEN_KOTA'): Promise<string> {
    const res = await t.http
      .post('/api/v1/allocations')
      .set(t.as(['finance'], ['ID']))
      .send({
        regionCode,
        fundingSource,
        fiscalYear: 2025,
        amount: 5_000 * WORKER_MONTH * 12,
        programName: 'Pekerja rentan',
        legalBasis: 'Perbup',
        allocatedOn: '2025-07-01',
      })
      .expect(201);
    return res.body.allocationId;
  }

  const upload = (body: string | Buffer, type: string, query = `allocationId=${allocation}&enrolledOn=2025-07-07`, headers = operator()) =>
    t.http.post(`/api/v1/workers/imports?${query}`).set(headers).set('Content-Type', type).send(body);

  async function finished(
    jobId: string,
    headers = operator(),
  ): Promise<{ status: string; progress: { done: number; total: number }; result: ImportResult; error?: string }> {
    for (let i = 0; i < 600; i++) {
      const res = await t.http.get(`/api/v1/jobs/${jobId}`).set(headers).expect(200);
      if (res.body.status !== 'RUNNING') return res.body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`job ${jobId} still running`);
  }

  /** Every bad row of the roster is refused, naming the field of its kind; nothing else is. */
  function expectEveryBadRow(roster: Roster, refusals: Array<{ row: number; field: string; reason: string }>) {
    const byRow = new Map<number, Array<{ field: string; reason: string }>>();
    for (const r of refusals) byRow.set(r.row, [...(byRow.get(r.row) ?? []), r]);
    expect([...byRow.keys()].sort((a, b) => a - b)).toEqual([...roster.bad.keys()].sort((a, b) => a - b));
    for (const [row, { kind, field }] of roster.bad) {
      const got = byRow.get(row)!;
      expect({ row, kind, fields: got.map((g) => g.field) }).toEqual({ row, kind, fields: expect.arrayContaining([field]) });
      for (const g of got) expect(g.reason.length).toBeGreaterThan(5);
    }
  }

  beforeAll(async () => {
    t = await startApp();
    allocation = await allocate();
  });
  afterAll(async () => t.close());

  describe('a 2,000-row CSV with 52 bad rows of every kind', () => {
    const roster = makeRoster({ rows: 2_000, bad: 52, ...options, people: new PeopleFactory() });
    const csv = rosterCsv(roster);
    let first: ImportResult;
    let jobId: string;

    it('answers 202 { jobId } and enrols every good row; the job shows progress and the result', async () => {
      const res = await upload(csv, 'text/csv').expect(202);
      expect(Object.keys(res.body)).toEqual(['jobId']);
      jobId = res.body.jobId;
      const job = await finished(jobId);
      expect(job.status).toBe('SUCCEEDED');
      expect(job.progress).toEqual({ done: 2_000, total: 2_000 });
      first = job.result;
      expect(first).toMatchObject({ rowsRead: 2_000, enrolled: roster.good, alreadyEnrolled: 0, refused: 52 });
      expect(roster.bad.size).toBe(52);
      expect(new Set([...roster.bad.values()].map((b) => b.kind))).toEqual(new Set(Object.keys(BAD_KINDS)));
      expectEveryBadRow(roster, first.refusedRows);
    });

    it('names the reasons of the rules', () => {
      const reasonOf = (kind: string) =>
        first.refusedRows.find((r) => roster.bad.get(r.row)?.kind === kind && r.field === BAD_KINDS[kind as keyof typeof BAD_KINDS])!
          .reason;
      expect(reasonOf('shortNik')).toMatch(/16 digits/);
      expect(reasonOf('age10')).toMatch(/is 10 on 2025-07-07.*at least 15/);
      expect(reasonOf('outsideAllocation')).toMatch(/cannot fund a worker in 53\.01\.04\.2003/);
      expect(reasonOf('outsideCaller')).toMatch(/may not act on or see region 52\.01/);
      expect(reasonOf('futureEnrolment')).toMatch(/must not be after/);
      expect(reasonOf('duplicate')).toMatch(/the same NIK as row 2/);
      expect(reasonOf('missingName')).toMatch(/fullName should not be empty/);
      expect(reasonOf('sexContradictsNik')).toMatch(/NIK is that of a woman/);
      expect(reasonOf('unknownRegion')).toMatch(/Kemendagri/);
      expect(reasonOf('notADate')).toMatch(/real date/);
    });

    it('downloads every refused row as refused.csv (the creator; others 403)', async () => {
      const res = await t.http.get(`/api/v1/jobs/${jobId}/refused.csv`).set(operator()).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      const rows = parseRefusedCsv(res.text);
      expect(rows).toEqual(first.refusedRows);
      expectEveryBadRow(roster, rows);
      await t.http
        .get(`/api/v1/jobs/${jobId}/refused.csv`)
        .set(t.as(['operator'], ['53'], 'someone-else'))
        .expect(403);
      await t.http
        .get(`/api/v1/jobs/${jobId}/refused.csv`)
        .set(t.as(['admin'], ['ID']))
        .expect(200);
      await t.http
        .get(`/api/v1/jobs/00000000-0000-4000-8000-000000000000/refused.csv`)
        .set(t.as(['admin'], ['ID']))
        .expect(404);
      await t.http
        .get(`/api/v1/jobs/not-a-job/refused.csv`)
        .set(t.as(['admin'], ['ID']))
        .expect(400);
    });

    it('a second upload of the same file enrols nobody: every good row alreadyEnrolled, the same refusals', async () => {
      const res = await upload(csv, 'text/csv').expect(202);
      const job = await finished(res.body.jobId);
      expect(job.result).toMatchObject({ rowsRead: 2_000, enrolled: 0, alreadyEnrolled: roster.good, refused: 52 });
      expect(job.result.refusedRows).toEqual(first.refusedRows);
      // The same rows in another file (semicolons, as an Indonesian-locale spreadsheet writes): still nobody twice.
      const again = await finished((await upload(rosterCsv(roster, ';'), 'text/csv; charset=utf-8').expect(202)).body.jobId);
      expect(again.result).toMatchObject({ enrolled: 0, alreadyEnrolled: roster.good, refused: 52 });
      const listed = await t.http
        .get(`/api/v1/workers?regionCode=53.03&pageSize=1`)
        .set(t.as(['analyst'], ['53']))
        .expect(200);
      expect(listed.body.total ?? listed.body.totalItems ?? roster.good).toBe(roster.good);
    });
  });

  describe('XLSX', () => {
    const roster = makeRoster({ rows: 2_000, bad: 52, ...options, people: peopleWithSeed(7), serialBase: 7000 });
    let xlsx: Buffer;
    let first: ImportResult;
    beforeAll(async () => {
      xlsx = await rosterXlsx(roster);
    });

    it('imports the workbook (raw body) with the same refusals', async () => {
      const job = await finished((await upload(xlsx, XLSX).expect(202)).body.jobId);
      expect(job.status).toBe('SUCCEEDED');
      first = job.result;
      expect(first).toMatchObject({ rowsRead: 2_000, enrolled: roster.good, alreadyEnrolled: 0, refused: 52 });
      expectEveryBadRow(roster, first.refusedRows);
    });

    it('the same workbook again as multipart/form-data enrols nobody', async () => {
      const res = await t.http
        .post(`/api/v1/workers/imports?allocationId=${allocation}&enrolledOn=2025-07-07`)
        .set(operator())
        .attach('file', xlsx, { filename: 'roster.xlsx', contentType: XLSX })
        .expect(202);
      const job = await finished(res.body.jobId);
      expect(job.result).toMatchObject({ rowsRead: 2_000, enrolled: 0, alreadyEnrolled: roster.good, refused: 52 });
      expect(job.result.refusedRows).toEqual(first.refusedRows);
    });
  });

  it('Indonesian headers, DD/MM/YYYY and DD-MM-YYYY dates, L/P; a CSV as a multipart file part', async () => {
    const roster = makeRoster({ rows: 130, bad: 13, ...options, indonesian: true, people: peopleWithSeed(11), serialBase: 5000 });
    const csv = rosterCsv(roster).replace(/(\d{2})\/(\d{2})\/(19\d\d)/g, (m, d, mo, y, offset: number) =>
      offset % 2 ? `${d}-${mo}-${y}` : m,
    );
    expect(csv.split('\r\n')[0]).toBe('NIK,Nama,Tanggal Lahir,Jenis Kelamin,Kode Wilayah,Pekerjaan,Tanggal Daftar');
    const res = await t.http
      .post(`/api/v1/workers/imports?allocationId=${allocation}&enrolledOn=2025-07-07`)
      .set(operator())
      .attach('file', Buffer.from(csv), { filename: 'daftar-pekerja.csv', contentType: 'text/csv' })
      .expect(202);
    const job = await finished(res.body.jobId);
    expect(job.result).toMatchObject({ rowsRead: 130, enrolled: roster.good, alreadyEnrolled: 0, refused: 13 });
    expectEveryBadRow(roster, job.result.refusedRows);
  });

  describe('refusals of the request', () => {
    const small = () => rosterCsv(makeRoster({ rows: 3, bad: 0, ...options, people: peopleWithSeed(99), serialBase: 3000 }));

    it('403 for other roles, 401 without a token', async () => {
      for (const role of ['analyst', 'finance', 'auditor', 'oversight', 'admin'] as const) {
        await upload(small(), 'text/csv', undefined, t.as([role], ['ID'])).expect(403);
      }
      await t.http
        .post(`/api/v1/workers/imports?allocationId=${allocation}&enrolledOn=2025-07-07`)
        .set('Content-Type', 'text/csv')
        .send(small())
        .expect(401);
    });

    it("404 for an unknown allocation and for one outside the caller's regions (the same detail)", async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      const a = await upload(small(), 'text/csv', `allocationId=${unknown}&enrolledOn=2025-07-07`).expect(404);
      expect(a.headers['content-type']).toMatch(/problem\+json/);
      const ntb = await allocate('52', 'APBD_PROVINSI');
      const b = await upload(small(), 'text/csv', `allocationId=${ntb}&enrolledOn=2025-07-07`).expect(404);
      expect(b.body.detail).toBe(`allocation ${ntb} does not exist`);
    });

    it('400 for bad or unknown query fields, a missing column, an empty body, a workbook that is not one', async () => {
      const bad = await upload(small(), 'text/csv', `allocationId=nope&enrolledOn=2025-02-30&extra=1`).expect(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['allocationId', 'enrolledOn', 'extra']);
      const noColumn = await upload('nik,fullName,birthDate,sex,occupation\r\n1,2,3,4,5\r\n', 'text/csv').expect(400);
      expect(noColumn.body.errors).toEqual([
        { field: 'regionCode', message: expect.stringMatching(/no column regionCode \(in Indonesian: Kode Wilayah\)/) },
      ]);
      await upload('', 'text/csv').expect(400);
      await upload(Buffer.from('not a zip at all'), XLSX).expect(400);
      await t.http
        .post(`/api/v1/workers/imports?allocationId=${allocation}&enrolledOn=2025-07-07`)
        .set(operator())
        .field('other', 'x')
        .expect(400);
    });

    it('415 for another media type, 413 above 50 MB (problem+json)', async () => {
      await upload('{"nik":"1"}', 'application/json').expect(415);
      const huge = Buffer.alloc(51 * 1024 * 1024, 0x41);
      const res = await upload(huge, 'text/csv').ok(() => true);
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    });
  });

  describe('the CLI', () => {
    let dataDir: string;
    let cliAllocation: string;
    let cliAllocation2026: string;
    const env = (dir = dataDir) => ({ ...process.env, DATA_DIR: dir, NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    const cliIn = (dir: string, ...args: string[]) =>
      spawnSync(process.execPath, ['-r', join(ROOT, 'test/support/ts-register.js'), join(ROOT, 'apps/cli/src/main.ts'), ...args], {
        cwd: ROOT,
        env: env(dir),
        encoding: 'utf8',
        timeout: 120_000,
      });
    const cli = (...args: string[]) => cliIn(dataDir, ...args);

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'ledger-cli-import-'));
      const app = await createLedgerContext(loadLedgerConfig({ DATA_DIR: dataDir, RUN_PROJECTOR: 'false' }));
      const finance = () => commandContext({ caller: { userId: 'test', role: 'finance', regions: ['ID'] }, correlationId: 'test' });
      const commands = app.get(CommandBus);
      const allocate = (fiscalYear: number, allocatedOn: string) =>
        commands.execute(
          new AllocateFundingCommand(
            {
              regionCode: '53.03',
              fundingSource: 'APBD_KABUPATEN_KOTA',
              fiscalYear,
              amount: 1_000 * WORKER_MONTH * 12,
              programName: 'p',
              legalBasis: 'l',
              allocatedOn,
            },
            finance(),
          ),
        );
      cliAllocation = (await allocate(2025, '2025-07-01')).allocationId;
      cliAllocation2026 = (await allocate(2026, '2026-01-02')).allocationId;
      await app.close();
    }, 60_000);
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    it('import --help prints only the help', () => {
      const nowhere = join(dataDir, 'not-made');
      for (const command of ['import', 'transfer']) {
        const out = cliIn(nowhere, command, '--help');
        expect(out.status).toBe(0);
        expect(out.stdout).toMatch(new RegExp(`^Usage: npm run cli -- ${command} `));
      }
      expect(readdirSync(dataDir)).not.toContain('not-made');
    });

    it('imports a small roster with plain progress lines off a terminal, the report and --refused-out; again: nobody twice; then a transfer by NIKs', () => {
      const roster = makeRoster({ rows: 60, bad: 13, ...options, people: peopleWithSeed(3), serialBase: 4000 });
      const file = join(dataDir, 'roster.csv');
      const refusedOut = join(dataDir, 'refused.csv');
      writeFileSync(file, rosterCsv(roster));
      const out = cli('import', file, '--allocation', cliAllocation, '--enrolled-on', '2025-07-07', '--refused-out', refusedOut);
      expect(out.status).toBe(0);
      expect(out.stdout).not.toContain('\u001b');
      expect(out.stdout).not.toContain('{');
      expect(out.stdout).toMatch(/imported \d+\/60 rows/);
      expect(out.stdout).toMatch(new RegExp(`rows read: 60\\s+enrolled: ${roster.good}\\s+already enrolled: 0\\s+refused: 13`));
      expectEveryBadRow(roster, parseRefusedCsv(readFileSync(refusedOut, 'utf8')));

      const again = cli('import', file, '--allocation', cliAllocation, '--enrolled-on', '2025-07-07');
      expect(again.stdout).toMatch(new RegExp(`enrolled: 0\\s+already enrolled: ${roster.good}\\s+refused: 13`));

      const good = roster.rows.filter((_, i) => !roster.bad.has(i + 2)).map((r) => r[0]);
      const niks = join(dataDir, 'niks.txt');
      writeFileSync(niks, `NIK\n${good.slice(0, 10).join('\n')}\n`);
      const moved = cli('transfer', '--to', cliAllocation2026, '--effective-period', '2026-01', '--niks', niks);
      expect(moved.status === 0 ? '' : moved.stderr).toBe('');
      expect(moved.stdout).toMatch(/moved 10 workers/);
      const badNiks = join(dataDir, 'bad-niks.txt');
      writeFileSync(badNiks, '123\n');
      const refused = cli('transfer', '--to', cliAllocation2026, '--effective-period', '2026-01', '--niks', badNiks);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/line 1: .*16 digits/);
    }, 180_000);
  });
});

function peopleWithSeed(seed: number): PeopleFactory {
  // Other people than a fresh generator's first thousands: each district's counter moved on by seed × 3,000 people.
  const people = new PeopleFactory();
  const villages = villagesOf('53.03');
  for (let i = 0; i < seed * 3_000; i++) people.person(villages[i % villages.length]);
  return people;
}
