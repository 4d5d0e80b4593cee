/**
 * npm run bench:import [-- --rows 100000 --bad 300 --format csv|xlsx --concurrency 8]
 *
 * A generated roster (test/support/roster.ts: the demo's people, a few hundred bad rows of every kind)
 * imported through the import service the API route runs (ImportService: each row checked, then sent
 * as EnrolWorkerCommand through the handler and the CommandSeam), on the embedded default stores with
 * the projector running in the same process, as `npm start` has it. Prints rows per second and the
 * peak growth of the resident set size (sampled every 50 ms) over the RSS before the import.
 * Numbers, not assertions.
 */
import 'reflect-metadata';
import { CommandBus } from '@nestjs/cqrs';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AllocateFundingCommand, commandContext, createLedgerContext, ImportService, loadLedgerConfig, sha256OfFile } from '@app/ledger';
import { makeRoster, rosterCsv, writeRosterXlsx } from '../test/support/roster';

const MB = 1024 * 1024;

async function main() {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '100000' },
      bad: { type: 'string', default: '300' },
      format: { type: 'string', default: 'csv' },
      concurrency: { type: 'string', default: '8' },
      projector: { type: 'string', default: 'true' },
    },
  });
  const rows = Number(values.rows);
  const format = values.format === 'xlsx' ? 'xlsx' : 'csv';
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-import-'));
  try {
    const roster = makeRoster({
      rows,
      bad: Number(values.bad),
      regency: '53.03',
      outsideAllocation: '53.01.04.2003',
      outsideCaller: '52.01',
    });
    const path = join(dir, `roster.${format}`);
    if (format === 'csv') writeFileSync(path, rosterCsv(roster));
    else await writeRosterXlsx(roster, path);
    console.log(
      `roster: ${rows.toLocaleString('en')} rows (${roster.bad.size} bad), ${format.toUpperCase()}, ${(statSync(path).size / MB).toFixed(1)} MB`,
    );

    const app = await createLedgerContext(loadLedgerConfig({ DATA_DIR: join(dir, 'data'), RUN_PROJECTOR: values.projector }));
    try {
      const finance = commandContext({ caller: { userId: 'bench', role: 'finance', regions: ['ID'] }, correlationId: 'bench' });
      const { allocationId } = await app.get(CommandBus).execute(
        new AllocateFundingCommand(
          {
            regionCode: '53.03',
            fundingSource: 'APBD_KABUPATEN_KOTA',
            fiscalYear: 2025,
            amount: rows * 16_800 * 12,
            programName: 'bench',
            legalBasis: 'bench',
            allocatedOn: '2025-07-01',
          },
          finance,
        ),
      );
      const imports = app.get(ImportService);
      imports.concurrency = Number(values.concurrency);
      const caller = { userId: 'bench', role: 'operator', regions: ['53'] };

      for (const run of ['first import', 'same file again']) {
        global.gc?.();
        const base = process.memoryUsage().rss;
        let peak = base;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
        const started = performance.now();
        const file = { path, format, sha256: await sha256OfFile(path) } as const;
        const { done } = await imports.start(file, { allocationId, enrolledOn: '2025-07-07' }, { caller, correlationId: 'bench' });
        const job = await done;
        const seconds = (performance.now() - started) / 1000;
        clearInterval(sampler);
        peak = Math.max(peak, process.memoryUsage().rss);
        const r = job.result as { rowsRead: number; enrolled: number; alreadyEnrolled: number; refused: number };
        console.log(
          `${run}: ${job.status} ${r.rowsRead} rows read, ${r.enrolled} enrolled, ${r.alreadyEnrolled} already enrolled, ${r.refused} refused in ${seconds.toFixed(1)} s: ` +
            `${Math.round(r.rowsRead / seconds).toLocaleString('en')} rows/s; RSS ${Math.round(base / MB)} MB before, peak ${Math.round(peak / MB)} MB (+${Math.round((peak - base) / MB)} MB)`,
        );
      }
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
