/**
 * npm run bench [-- --workers 20000]
 *
 * Ingest through the command path (enrolment, one command per worker; a monthly batch, one command for
 * all), projection into the embedded read models, and the same rows written as raw better-sqlite3
 * inserts in the same run, printed as ratios. Numbers, not assertions: nothing here fails a build.
 */
import 'reflect-metadata';
import { CommandBus } from '@nestjs/cqrs';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { ledgerRunner, READ_STORE, ReadStore } from '@app/read-models';
import {
  AllocateFundingCommand,
  commandContext,
  createLedgerContext,
  EnrolWorkerCommand,
  loadLedgerConfig,
  PayContributionsCommand,
} from '@app/ledger';
import { PeopleFactory, villagesOf } from '../apps/cli/src/demo/people';

const actor = () => commandContext({ caller: { userId: 'bench', role: 'operator', regions: ['ID'] }, correlationId: 'bench' });

async function main() {
  const { values } = parseArgs({ options: { workers: { type: 'string', default: '20000' } } });
  const n = Number(values.workers);
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-'));
  const app = await createLedgerContext(loadLedgerConfig({ DATA_DIR: dir, RUN_PROJECTOR: 'false' }));
  const commands = app.get(CommandBus);
  const events = app.get<EventStore>(EVENT_STORE);
  const reads = app.get<ReadStore>(READ_STORE);
  try {
    const { allocationId } = await commands.execute(
      new AllocateFundingCommand(
        {
          regionCode: '53.03',
          fundingSource: 'APBD_KABUPATEN_KOTA',
          fiscalYear: 2025,
          amount: n * 16_800 * 12,
          programName: 'bench',
          legalBasis: 'bench',
          allocatedOn: '2025-07-01',
        },
        actor(),
      ),
    );
    const people = new PeopleFactory();
    const villages = villagesOf('53.03');

    let t = performance.now();
    for (let i = 0; i < n; i++) {
      await commands.execute(
        new EnrolWorkerCommand({ ...people.person(villages[i % villages.length]), allocationId, enrolledOn: '2025-07-07' }, actor()),
      );
    }
    const enrolMs = performance.now() - t;

    const workerIds = (await events.readAll({ maxCount: n + 10, categories: ['worker'] })).map((e) => e.streamName.slice('worker-'.length));
    t = performance.now();
    await commands.execute(new PayContributionsCommand({ allocationId, period: '2025-08', paidOn: '2025-08-10', workerIds }, actor()));
    const batchMs = performance.now() - t;

    const all = await events.readAll({ maxCount: 10 * n });
    const fresh = await reads.createGeneration();
    t = performance.now();
    await ledgerRunner(events, async () => fresh).catchUp();
    const projectMs = performance.now() - t;
    const docs = (
      await Promise.all(['workers', 'coverage', 'enrolment', 'allocations', 'fundingTotals'].map(async (c) => (await fresh.find(c)).items))
    ).flat();

    // The same rows, written raw: one transaction per enrolment (as the commands do), one for the batch.
    const raw = new Database(join(dir, 'raw.sqlite'));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = FULL');
    raw.exec(
      'CREATE TABLE events (position INTEGER PRIMARY KEY, id TEXT UNIQUE, stream_name TEXT, revision INTEGER, type TEXT, data TEXT, metadata TEXT, effective_date TEXT, recorded_at TEXT, UNIQUE (stream_name, revision))',
    );
    const insert = raw.prepare(
      'INSERT INTO events (id, stream_name, revision, type, data, metadata, effective_date, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const row = (e: (typeof all)[number]) =>
      [e.id, e.streamName, e.revision, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), e.effectiveDate, e.recordedAt] as const;
    const enrolments = all.filter((e) => e.type === 'WorkerEnrolled');
    const batch = all.filter((e) => e.type === 'ContributionPaid' || e.type === 'FundsDisbursed');
    t = performance.now();
    for (const e of enrolments) raw.transaction(() => insert.run(...row(e)))();
    const rawEnrolMs = performance.now() - t;
    t = performance.now();
    raw.transaction(() => batch.forEach((e) => insert.run(...row(e))))();
    const rawBatchMs = performance.now() - t;
    raw.pragma('synchronous = NORMAL');
    raw.exec('CREATE TABLE docs (collection TEXT, id TEXT, doc TEXT, PRIMARY KEY (collection, id))');
    const insertDoc = raw.prepare('INSERT OR REPLACE INTO docs VALUES (?, ?, ?)');
    t = performance.now();
    raw.transaction(() => docs.forEach((d) => insertDoc.run('c', d.id, JSON.stringify(d))))();
    const rawProjectMs = performance.now() - t;
    raw.close();

    const rate = (count: number, ms: number) => `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`;
    console.log(
      `\nLedger benchmark, ${n.toLocaleString('en-US')} workers, embedded SQLite (WAL, synchronous=FULL), ${new Date().toISOString()}`,
    );
    console.table([
      {
        work: 'enrolment: one command per worker',
        events: enrolments.length,
        'command path': rate(enrolments.length, enrolMs),
        'raw inserts': rate(enrolments.length, rawEnrolMs),
        '× raw time': (enrolMs / rawEnrolMs).toFixed(1),
      },
      {
        work: 'monthly batch: one command',
        events: batch.length,
        'command path': rate(batch.length, batchMs),
        'raw inserts': rate(batch.length, rawBatchMs),
        '× raw time': (batchMs / rawBatchMs).toFixed(1),
      },
      {
        work: 'projection into read models',
        events: all.length,
        'command path': rate(all.length, projectMs),
        'raw inserts': `${rate(docs.length, rawProjectMs)} docs`,
        '× raw time': (projectMs / rawProjectMs).toFixed(1),
      },
    ]);
    console.log(
      '"× raw time": how many times longer the real path takes than inserting the same rows bare with better-sqlite3 (for the projection: than inserting the documents it ends with).',
    );
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
