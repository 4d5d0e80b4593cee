/**
 * npm run bench [-- --workers 20000] [--batch-workers 100000] [--rebuild-events 500000] [--scale 0.1] [--only ingest,batch,rebuild,queries] [--json]
 *
 * Every figure beside its floor measured in the same run; `--json` prints one JSON object with all of
 * them (ingest, batch, rebuild, queries), so they can be tracked from run to run.
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
import { batchBench } from './batch';
import { benchQueries } from './queries';
import { rebuildBench } from './rebuild';

const actor = () => commandContext({ caller: { userId: 'bench', role: 'operator', regions: ['ID'] }, correlationId: 'bench' });

async function main() {
  const { values } = parseArgs({
    options: {
      workers: { type: 'string', default: '20000' },
      'batch-workers': { type: 'string', default: '100000' },
      'rebuild-events': { type: 'string', default: '500000' },
      scale: { type: 'string', default: '0.1' },
      only: { type: 'string', default: 'ingest,batch,rebuild,queries' },
      json: { type: 'boolean', default: false },
    },
  });
  const only = new Set(values.only.split(','));
  const json = values.json;
  // With --json, the benches' progress goes to stderr so stdout holds the one object.
  const log = (line: string) => (json ? process.stderr.write(`${line}\n`) : console.log(line));
  const figures: Record<string, unknown> = { measuredAt: new Date().toISOString(), node: process.version };
  if (only.has('ingest')) figures.ingest = await ingestBench(Number(values.workers), json);
  if (only.has('batch')) figures.batch = await batchBench({ workers: Number(values['batch-workers']), months: 12, log });
  if (only.has('rebuild')) figures.rebuild = await rebuildBench({ events: Number(values['rebuild-events']), log });
  if (only.has('queries')) figures.queries = await benchQueries({ scale: Number(values.scale), log });
  if (json) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  else for (const key of ['batch', 'rebuild', 'queries']) if (figures[key]) console.log(`\n${key}:`, JSON.stringify(figures[key], null, 2));
}

async function ingestBench(n: number, json: boolean) {
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

    const perSec = (count: number, ms: number) => Math.round((count / ms) * 1000);
    const ratio = (ms: number, floorMs: number) => Number((ms / floorMs).toFixed(2));
    const ingest = {
      workers: n,
      enrolment: { events: enrolments.length, ms: Math.round(enrolMs), rawMs: Math.round(rawEnrolMs), ratio: ratio(enrolMs, rawEnrolMs) },
      batch: { events: batch.length, ms: Math.round(batchMs), rawMs: Math.round(rawBatchMs), ratio: ratio(batchMs, rawBatchMs) },
      projection: {
        events: all.length,
        documents: docs.length,
        ms: Math.round(projectMs),
        rawInsertMs: Math.round(rawProjectMs),
        eventsPerSec: perSec(all.length, projectMs),
        ratio: ratio(projectMs, rawProjectMs),
      },
    };
    if (json) return ingest;
    const rate = (count: number, ms: number) => `${perSec(count, ms).toLocaleString('en-US')}/s`;
    console.log(
      `\nLedger benchmark, ${n.toLocaleString('en-US')} workers, embedded SQLite (WAL, synchronous=FULL), ${new Date().toISOString()}`,
    );
    console.table([
      {
        work: 'enrolment: one command per worker',
        events: enrolments.length,
        'command path': rate(enrolments.length, enrolMs),
        'raw inserts': rate(enrolments.length, rawEnrolMs),
        '× raw time': ingest.enrolment.ratio.toFixed(1),
      },
      {
        work: 'monthly batch: one command',
        events: batch.length,
        'command path': rate(batch.length, batchMs),
        'raw inserts': rate(batch.length, rawBatchMs),
        '× raw time': ingest.batch.ratio.toFixed(1),
      },
      {
        work: 'projection into read models',
        events: all.length,
        'command path': rate(all.length, projectMs),
        'raw inserts': `${rate(docs.length, rawProjectMs)} docs`,
        '× raw time': ingest.projection.ratio.toFixed(1),
      },
    ]);
    console.log(
      '"× raw time": how many times longer the real path takes than inserting the same rows bare with better-sqlite3 (for the projection: than inserting the documents it ends with).',
    );
    return ingest;
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
