import { CommandBus } from '@nestjs/cqrs';
import { SingleBar } from 'cli-progress';
import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { isDate, isPeriod } from '@app/domain';
import {
  commandContext,
  createLedgerContext,
  ImportResult,
  ImportService,
  loadLedgerConfig,
  refusalsCsv,
  sha256OfFile,
  TransferSponsorshipCommand,
} from '@app/ledger';

export const IMPORT_COMMANDS = ['import', 'transfer'];

export const IMPORT_USAGE = `  import FILE --allocation ID --enrolled-on YYYY-MM-DD [--refused-out FILE]
      Enrol every row of a CSV or XLSX roster (English or Indonesian headers) as POST /workers/imports
      does, acting as user "cli"; prints the report; --refused-out writes the refused rows as CSV.
  transfer --to ALLOCATION --effective-period YYYY-MM --niks FILE
      Move the workers named by a file of NIKs (one a line) to another allocation from that month.
`;

const IMPORT_HELP = `Usage: npm run cli -- import FILE --allocation ID --enrolled-on YYYY-MM-DD [--refused-out FILE]

Enrols every row of a roster through the ledger's command handlers, as POST /api/v1/workers/imports
does (acting as user "cli", role operator, whole country), with the ledger in DATA_DIR.
  FILE               a .csv (comma, semicolon or tab) or .xlsx file with a header row:
                     nik, fullName, birthDate, sex, regionCode, occupation [, enrolledOn], or
                     NIK, Nama, Tanggal Lahir, Jenis Kelamin (L/P), Kode Wilayah, Pekerjaan [, Tanggal Daftar]
  --allocation ID    the sponsoring allocation
  --enrolled-on DATE the enrolment date of every row (YYYY-MM-DD)
  --refused-out FILE write the refused rows (row,field,reason) to FILE
Importing the same file again enrols nobody twice (its rows count as already enrolled).
Exit code: 0 when the import ran (refused rows included), 1 when it could not.
`;

const TRANSFER_HELP = `Usage: npm run cli -- transfer --to ALLOCATION --effective-period YYYY-MM --niks FILE

Moves the workers named by their NIKs (FILE: one NIK a line, or the first column of a CSV; a header
line is skipped) to the allocation --to from --effective-period on (rule 13), as
POST /api/v1/allocations/{id}/sponsorships with workerIds does, acting as user "cli".
`;

const CLI_CALLER = { userId: 'cli', role: 'operator', regions: ['ID'] };

export async function runImportCommand(command: string, args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(command === 'import' ? IMPORT_HELP : TRANSFER_HELP);
    return 0;
  }
  return command === 'import' ? importRoster(args) : transferByNiks(args);
}

async function importRoster(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { allocation: { type: 'string' }, 'enrolled-on': { type: 'string' }, 'refused-out': { type: 'string' } },
  });
  const [file] = positionals;
  const allocationId = values.allocation;
  const enrolledOn = values['enrolled-on'];
  if (!file || !allocationId || !enrolledOn || positionals.length > 1)
    throw new Error(`import needs FILE, --allocation and --enrolled-on\n\n${IMPORT_HELP}`);
  if (!isDate(enrolledOn)) throw new Error('--enrolled-on must be a real date written YYYY-MM-DD');
  const ext = extname(file).toLowerCase();
  const format = ext === '.xlsx' ? 'xlsx' : ext === '.csv' || ext === '.txt' ? 'csv' : undefined;
  if (!format) throw new Error('FILE must be a .csv or an .xlsx file');
  const sha256 = await sha256OfFile(file);

  const app = await createLedgerContext(loadLedgerConfig());
  try {
    const imports = app.get(ImportService);
    const tty = Boolean(process.stdout.isTTY);
    const bar = tty
      ? new SingleBar({
          format: ' {bar} {percentage}% | {value}/{total} rows | enrolled {enrolled}, already {already}, refused {refused}',
          hideCursor: true,
        })
      : undefined;
    let started = false;
    let lastLine = 0;
    const { job, done } = await imports.start(
      { path: file, format, sha256 },
      { allocationId, enrolledOn },
      { caller: CLI_CALLER, correlationId: `cli-import-${Date.now()}` },
      {
        onProgress: ({ done: n, total }, counts) => {
          if (total === 0) return;
          const payload = { enrolled: counts.enrolled, already: counts.alreadyEnrolled, refused: counts.refused };
          if (bar) {
            if (!started) bar.start(total, 0, payload);
            started = true;
            bar.update(n, payload);
          } else if (n === total || Date.now() - lastLine >= 2_000) {
            // Off a terminal: a plain line every 2 s (and at the end), no control characters.
            lastLine = Date.now();
            console.log(
              `imported ${n}/${total} rows: enrolled ${counts.enrolled}, already enrolled ${counts.alreadyEnrolled}, refused ${counts.refused}`,
            );
          }
        },
      },
    );
    const finished = await done;
    bar?.stop();
    const result = finished.result as unknown as ImportResult | undefined;
    console.log(`\nimport ${job.jobId}: ${finished.status}`);
    if (result) {
      console.log(
        `rows read: ${result.rowsRead}\nenrolled: ${result.enrolled}\nalready enrolled: ${result.alreadyEnrolled}\nrefused: ${result.refused}`,
      );
      const refusals = await imports.refusals(finished);
      for (const r of refusals.slice(0, 20)) console.log(`  row ${r.row}, ${r.field}: ${r.reason}`);
      if (refusals.length > 20)
        console.log(`  … and ${refusals.length - 20} more${values['refused-out'] ? '' : ' (--refused-out FILE writes them all)'}`);
      if (values['refused-out']) {
        writeFileSync(values['refused-out'], refusalsCsv(refusals));
        console.log(`refused rows written to ${values['refused-out']}`);
      }
    }
    if (finished.status !== 'SUCCEEDED') {
      console.error(finished.error ?? 'the import failed');
      return 1;
    }
    return 0;
  } finally {
    await app.close();
  }
}

/** NIKs of a file: one a line, or the first cell of a CSV line; a header line (not digits) is skipped. Bad lines are named. */
export function niksOfFile(text: string): string[] {
  const niks: string[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const cell = line
      .split(/[,;\t]/)[0]
      .trim()
      .replace(/^"|"$/g, '');
    if (cell === '') return;
    if (i === 0 && !/\d/.test(cell)) return;
    if (!/^\d{16}$/.test(cell)) errors.push(`line ${i + 1}: a NIK must be exactly 16 digits`);
    else niks.push(cell);
  });
  if (errors.length) throw new Error(`the NIK file has bad lines:\n${errors.slice(0, 20).join('\n')}`);
  if (niks.length === 0) throw new Error('the NIK file names nobody');
  return [...new Set(niks)];
}

async function transferByNiks(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { to: { type: 'string' }, 'effective-period': { type: 'string' }, niks: { type: 'string' } },
  });
  const allocationId = values.to;
  const effectivePeriod = values['effective-period'];
  if (!allocationId || !effectivePeriod || !values.niks)
    throw new Error(`transfer needs --to, --effective-period and --niks\n\n${TRANSFER_HELP}`);
  if (!isPeriod(effectivePeriod)) throw new Error('--effective-period must be a month written YYYY-MM');
  const niks = niksOfFile(readFileSync(values.niks, 'utf8'));
  const app = await createLedgerContext(loadLedgerConfig());
  try {
    const workerIds = app.get(ImportService).workerIdsOf(niks);
    const context = commandContext({ caller: CLI_CALLER, correlationId: `cli-transfer-${Date.now()}` });
    const answer = await app.get(CommandBus).execute(new TransferSponsorshipCommand({ allocationId, effectivePeriod, workerIds }, context));
    console.log(`moved ${answer.workerCount} workers to allocation ${allocationId} from ${effectivePeriod} (position ${answer.position})`);
    if (answer.skipped.length) {
      console.log(`skipped ${answer.skipped.length}:`);
      for (const s of answer.skipped.slice(0, 50))
        console.log(`  NIK ${niks[workerIds.indexOf(s.workerId)] ?? s.workerId}: ${s.reason}${s.detail ? ` (${s.detail})` : ''}`);
    }
    return 0;
  } finally {
    await app.close();
  }
}
