/**
 * npm run bench:rebuild [-- --events 300000] [--data-dir DIR] [--json]
 *
 * Rebuilding the read models (issue 10 item 7), as ratios measured in one run on the embedded store:
 *   - the rebuild (`rebuildReadModels`: every ledger projection replayed into a fresh generation, then
 *     swapped in) in events/s;
 *   - raw read: the same event rows read with better-sqlite3 (pages of 5,000, rows as arrays) and their
 *     data and metadata JSON-parsed, nothing else (the floor of reading the ledger);
 *   - raw insert: the documents the rebuild ends with, written with bare prepared statements
 *     (`INSERT INTO t (id, doc) VALUES (?, ?)`, JSON.stringify included, one table per collection
 *     without the read store's expression indexes) in one transaction; `ratio` is the rebuild's time
 *     over that. `docWrites` counts every document write the rebuild committed (a document written
 *     by several commits counts each time).
 *   - `maxLoopStallMs`: the longest the event loop went without a turn during the rebuild (the API
 *     answers from the same loop when the rebuild runs as its job).
 *
 * The ledger (unless `--data-dir` names one with a ledger.sqlite): a small template recorded through
 * the real commands (allocations for four NTT regencies, enrolments, a year of monthly contribution
 * batches, September's paid late), copied with fresh ids month by month until it has `--events`
 * events, written with SqliteEventStore.appendMany (so every hash chain is the store's own).
 *
 * `rebuildBench()` is exported for bench/run.ts; numbers, not assertions.
 */
import 'reflect-metadata';
import { CommandBus } from '@nestjs/cqrs';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EVENT_STORE, EventContext, EventStore, NewEvent, RecordedEvent, SqliteEventStore, StreamWrite } from '@app/event-store';
import {
  AllocateFundingCommand,
  commandContext,
  createLedgerContext,
  EnrolWorkerCommand,
  loadLedgerConfig,
  PayContributionsCommand,
  RAW_EVENT_STORE,
} from '@app/ledger';
import { Doc, DocChange, LEDGER_PROJECTIONS, READ_STORE, ReadModels, ReadStore, rebuildReadModels } from '@app/read-models';
import { PeopleFactory, villagesOf } from '../apps/cli/src/demo/people';

export interface RebuildBenchResult {
  events: number;
  /** Events per second of the rebuild (fresh generation, every projection, swap). */
  eventsPerSec: number;
  /** Events per second of reading the same rows bare with better-sqlite3 and JSON-parsing data and metadata. */
  rawReadPerSec: number;
  /** Inserting the documents the rebuild ends with, bare, in one transaction. */
  rawInsertMs: number;
  /** The rebuild's time. */
  projectMs: number;
  /** projectMs / rawInsertMs. */
  ratio: number;
  /** Documents the rebuild ends with. */
  docs: number;
  /** Document writes the rebuild committed (each write of a document counted). */
  docWrites: number;
  /** Commits of the rebuild. */
  commits: number;
  /** read-models.sqlite after the rebuild (its WAL included), bytes. */
  readModelsBytes: number;
  /**
   * The longest the event loop went without a turn during the rebuild (a 5 ms timer's longest gap): how
   * long a request arriving then would have waited behind it.
   */
  maxLoopStallMs: number;
  /** The same three measured in CPU time of the process (steadier than wall time on a shared machine). */
  cpuMs: { project: number; rawRead: number; rawInsert: number };
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export interface RebuildBenchOptions {
  /** A data directory holding ledger.sqlite (and its keys), kept; one of `events` events is built (in it, or in a temporary one) when there is none. */
  dataDir?: string;
  events?: number;
  log?: (line: string) => void;
}

const caller = { userId: 'bench', role: 'operator', regions: ['ID'] };
const actor = () => commandContext({ caller, correlationId: 'bench' });
const REGENCIES = ['53.01', '53.03', '53.10', '53.71'];
const TEMPLATE_WORKERS_PER_REGENCY = 40;
const MONTHS = 12;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

interface Template {
  streamName: string;
  type: string;
  data: string;
  effectiveDate: string;
  context: EventContext;
  schemaVersion: number;
  /** 0: set-up (allocations, enrolments); m: the batch of month m. */
  phase: number;
}

async function recordTemplate(dir: string): Promise<Template[]> {
  const app = await createLedgerContext(loadLedgerConfig({ DATA_DIR: dir, RUN_PROJECTOR: 'false' }));
  try {
    const commands = app.get(CommandBus);
    const raw = app.get<EventStore>(RAW_EVENT_STORE);
    const people = new PeopleFactory();
    const allocations: Array<{ allocationId: string; workerIds: string[] }> = [];
    for (const regionCode of REGENCIES) {
      const { allocationId } = await commands.execute(
        new AllocateFundingCommand(
          {
            regionCode,
            fundingSource: 'APBD_KABUPATEN_KOTA',
            fiscalYear: 2025,
            amount: TEMPLATE_WORKERS_PER_REGENCY * 16_800 * 12 * 2,
            programName: 'Perlindungan pekerja rentan',
            legalBasis: 'Perbup 12/2024',
            allocatedOn: '2025-01-02',
          },
          actor(),
        ),
      );
      const workerIds: string[] = [];
      allocations.push({ allocationId, workerIds });
      const villages = villagesOf(regionCode);
      for (let i = 0; i < TEMPLATE_WORKERS_PER_REGENCY; i++) {
        const { workerId } = await commands.execute(
          new EnrolWorkerCommand({ ...people.person(villages[i % villages.length]), allocationId, enrolledOn: '2025-01-06' }, actor()),
        );
        workerIds.push(workerId);
      }
    }
    const setUp = (await raw.headPosition()) ?? '';
    for (let m = 1; m <= MONTHS; m++) {
      const period = `2025-${String(m).padStart(2, '0')}`;
      // September is paid late (a finding per worker-month).
      const paidOn = m === 9 ? '2025-10-20' : `${period}-10`;
      for (const { allocationId, workerIds } of allocations)
        await commands.execute(new PayContributionsCommand({ allocationId, period, paidOn, workerIds }, actor()));
    }
    const out: Template[] = [];
    for (let after: string | undefined; ;) {
      const page: RecordedEvent[] = await raw.readAll({ after, maxCount: 5000 });
      if (page.length === 0) break;
      after = page[page.length - 1].position;
      for (const e of page) {
        const { hash: _h, prevHash: _p, schemaVersion, effectiveDate: _d, ...context } = e.metadata;
        const period = (e.data as { period?: unknown }).period;
        out.push({
          streamName: e.streamName,
          type: e.type,
          data: JSON.stringify(e.data),
          effectiveDate: e.effectiveDate,
          context: context as EventContext,
          schemaVersion: schemaVersion ?? 1,
          phase: e.position <= setUp ? 0 : typeof period === 'string' ? Number(period.slice(5, 7)) : MONTHS,
        });
      }
    }
    return out;
  } finally {
    await app.close();
  }
}

/** Copy k of a text: every UUID in it gets copy k's digits (unique per original and copy). */
function copyIds(text: string, k: number): string {
  if (k === 0) return text;
  const tag = k.toString(16).padStart(5, '0');
  return text.replace(UUID, (id) => id.slice(0, 24) + tag + id.slice(29));
}

/** Copies of the template, month by month, in appendMany batches. Returns the event count. */
async function generate(file: string, template: Template[], events: number): Promise<number> {
  const copies = Math.max(1, Math.round(events / template.length));
  let now = Date.UTC(2025, 0, 2, 1);
  const store = new SqliteEventStore(file, () => new Date(now++));
  let written = 0;
  try {
    for (let phase = 0; phase <= MONTHS; phase++) {
      if (phase > 0) now = Math.max(now, Date.UTC(2025, phase - 1, 10, 1));
      const mine = template.filter((t) => t.phase === phase);
      let writes: StreamWrite[] = [];
      let pending = 0;
      const flush = async () => {
        if (writes.length === 0) return;
        const outcomes = await store.appendMany(writes);
        const failed = outcomes.find((o) => !o.ok);
        if (failed && !failed.ok) throw failed.error;
        written += pending;
        writes = [];
        pending = 0;
      };
      for (let k = 0; k < copies; k++) {
        let last: StreamWrite | undefined;
        for (const t of mine) {
          const streamName = copyIds(t.streamName, k);
          const event: NewEvent = {
            id: randomUUID(),
            type: t.type,
            data: JSON.parse(copyIds(t.data, k)) as Record<string, unknown>,
            effectiveDate: t.effectiveDate,
            context: t.context,
            schemaVersion: t.schemaVersion,
          };
          if (last && last.streamName === streamName) last.events.push(event);
          else writes.push((last = { streamName, expectedRevision: 'any', events: [event] }));
          pending++;
        }
        if (pending >= 20_000) await flush();
      }
      await flush();
    }
  } finally {
    await store.close();
  }
  return written;
}

/** Builds a ledger of about `events` events in `dataDir` (its keys from the template's run). */
export async function buildLedger(dataDir: string, events: number): Promise<number> {
  const templateDir = mkdtempSync(join(tmpdir(), 'ledger-bench-rebuild-template-'));
  try {
    const template = await recordTemplate(templateDir);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // The template's secrets (the NIK pepper, the personal-data key) go with the copies of its events.
    for (const name of readdirSync(templateDir))
      if (!name.includes('.sqlite')) cpSync(join(templateDir, name), join(dataDir, name), { recursive: true });
    return await generate(join(dataDir, 'ledger.sqlite'), template, events);
  } finally {
    rmSync(templateDir, { recursive: true, force: true });
  }
}

/** The floor of reading: the rows with better-sqlite3 in pages of 5,000 (as the store reads them), data and metadata JSON-parsed. */
function rawRead(file: string): { rows: number; ms: number; cpuMs: number } {
  const db = new Database(file, { readonly: true });
  try {
    const c = cpuNow();
    const t = performance.now();
    let rows = 0;
    // Rows as arrays, as the store reads them (its cheapest form).
    const page = db
      .prepare<[number], [position: number, data: string, metadata: string]>(
        'SELECT position, data, metadata FROM events WHERE position > ? ORDER BY position LIMIT 5000',
      )
      .raw();
    for (let after = 0; ;) {
      const batch = page.all(after);
      if (batch.length === 0) break;
      for (const row of batch) {
        JSON.parse(row[1]);
        JSON.parse(row[2]);
      }
      rows += batch.length;
      after = batch[batch.length - 1][0];
    }
    return { rows, ms: performance.now() - t, cpuMs: cpuNow() - c };
  } finally {
    db.close();
  }
}

/** Inserts `docs` bare: one plain table per collection, prepared statements, one transaction. */
function rawInsert(file: string, docs: ReadonlyArray<readonly [string, Doc]>): { ms: number; cpuMs: number } {
  rmSync(file, { force: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const collections = [...new Set(docs.map(([c]) => c))];
    for (const c of collections) db.exec(`CREATE TABLE raw_${c} (id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
    const c = cpuNow();
    const t = performance.now();
    const insert = new Map(collections.map((c) => [c, db.prepare(`INSERT INTO raw_${c} (id, doc) VALUES (?, ?)`)]));
    db.transaction(() => {
      for (const [c, doc] of docs) insert.get(c)!.run(doc.id, JSON.stringify(doc));
    })();
    return { ms: performance.now() - t, cpuMs: cpuNow() - c };
  } finally {
    db.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  }
}

function fileBytes(file: string): number {
  return ['', '-wal'].reduce((n, s) => n + (existsSync(file + s) ? statSync(file + s).size : 0), 0);
}

export async function rebuildBench(options: RebuildBenchOptions = {}): Promise<RebuildBenchResult> {
  const log = options.log ?? (() => undefined);
  const own = options.dataDir === undefined ? mkdtempSync(join(tmpdir(), 'ledger-bench-rebuild-')) : undefined;
  const dataDir = options.dataDir ?? join(own!, 'data');
  try {
    if (!existsSync(join(dataDir, 'ledger.sqlite'))) {
      const t = performance.now();
      const n = await buildLedger(dataDir, options.events ?? 300_000);
      log(`generated ${n.toLocaleString('en-US')} events in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    const app = await createLedgerContext(loadLedgerConfig({ DATA_DIR: dataDir, RUN_PROJECTOR: 'false' }));
    let projectMs: number;
    let projectCpuMs: number;
    let events: number;
    let commits = 0;
    let docWrites = 0;
    let maxLoopStallMs = 0;
    const finalDocs: Array<readonly [string, Doc]> = [];
    try {
      const store = app.get<EventStore>(EVENT_STORE);
      const reads = app.get<ReadStore>(READ_STORE);
      // Counts the commits and the documents they write.
      const create = reads.createGeneration.bind(reads);
      reads.createGeneration = async () => {
        const fresh = await create();
        const commit = fresh.commit.bind(fresh);
        fresh.commit = async (projection: string, changes: readonly DocChange[], ...rest) => {
          commits++;
          docWrites += changes.length;
          return commit(projection, changes, ...rest);
        };
        return fresh;
      };
      const c = cpuNow();
      const t = performance.now();
      let tick = t;
      const timer = setInterval(() => {
        const now = performance.now();
        maxLoopStallMs = Math.max(maxLoopStallMs, now - tick);
        tick = now;
      }, 5);
      const progress = await rebuildReadModels(store, reads, LEDGER_PROJECTIONS).finally(() => {
        // The stretch since the last turn counts too (the old code's last commits and index build ran in one).
        maxLoopStallMs = Math.max(maxLoopStallMs, performance.now() - tick);
        clearInterval(timer);
      });
      projectMs = performance.now() - t;
      projectCpuMs = cpuNow() - c;
      reads.createGeneration = create;
      events = progress.eventsProjected;
      log(`rebuild: ${events.toLocaleString('en-US')} events in ${(projectMs / 1000).toFixed(2)} s, ${commits} commits`);
      const active: ReadModels = await reads.active();
      for (const c of LEDGER_PROJECTIONS.flatMap((p) => p.collections))
        for (const doc of (await active.find(c)).items) finalDocs.push([c, doc]);
    } finally {
      await app.close();
    }
    const read = rawRead(join(dataDir, 'ledger.sqlite'));
    if (read.rows !== events) log(`note: the rebuild projected ${events} events, the ledger holds ${read.rows}`);
    const scratch = join(own ?? mkdtempSync(join(tmpdir(), 'ledger-bench-rebuild-raw-')), 'raw-insert.sqlite');
    const insert = rawInsert(scratch, finalDocs);
    const rawInsertMs = insert.ms;
    const readModelsBytes = fileBytes(join(dataDir, 'read-models.sqlite'));
    return {
      events,
      eventsPerSec: Math.round((events / projectMs) * 1000),
      rawReadPerSec: Math.round((read.rows / read.ms) * 1000),
      rawInsertMs: +rawInsertMs.toFixed(1),
      projectMs: +projectMs.toFixed(1),
      ratio: +(projectMs / rawInsertMs).toFixed(2),
      docs: finalDocs.length,
      docWrites,
      commits,
      readModelsBytes,
      maxLoopStallMs: Math.round(maxLoopStallMs),
      cpuMs: { project: Math.round(projectCpuMs), rawRead: Math.round(read.cpuMs), rawInsert: Math.round(insert.cpuMs) },
    };
  } finally {
    if (own) rmSync(own, { recursive: true, force: true });
  }
}

async function main() {
  const { values } = parseArgs({
    options: { events: { type: 'string', default: '300000' }, 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const events = Number(values.events);
  if (!Number.isSafeInteger(events) || events < 1000) throw new Error('--events must be a whole number of at least 1000');
  const log = (line: string) => (values.json ? console.error(line) : console.log(line));
  const r = await rebuildBench({ dataDir: values['data-dir'], events, log });
  if (values.json) {
    console.log(JSON.stringify({ rebuild: r }));
    return;
  }
  const rate = (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`;
  console.log(`\nRebuild benchmark, ${r.events.toLocaleString('en-US')} events, embedded SQLite, ${new Date().toISOString()}`);
  console.table([
    { work: 'rebuild (every projection, fresh generation, swap)', measured: rate(r.eventsPerSec), target: '≥50,000/s' },
    { work: 'raw read (rows + JSON.parse)', measured: rate(r.rawReadPerSec), target: '' },
    {
      work: `raw insert of the ${r.docs.toLocaleString('en-US')} documents it ends with`,
      measured: `${r.rawInsertMs} ms; rebuild ${r.projectMs} ms = ${r.ratio}×`,
      target: '≤3×',
    },
    {
      work: 'the same in CPU time',
      measured: `rebuild ${r.cpuMs.project} ms, raw read ${r.cpuMs.rawRead} ms, raw insert ${r.cpuMs.rawInsert} ms`,
      target: '',
    },
    {
      work: 'document writes committed by the rebuild',
      measured: `${r.docWrites.toLocaleString('en-US')} in ${r.commits} commits`,
      target: '',
    },
  ]);
}

if (require.main === module)
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
