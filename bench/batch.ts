/**
 * npm run bench:batch [-- --workers 100000] [--months 12] [--json]
 *
 * The monthly contribution batch at a regency's size (issue 10 items 5 and 6), as figures of one run:
 *   - each month's batch (one PayContributionsCommand naming every worker) in ms, January to `months`;
 *   - the same rows (that month's FundsDisbursed and ContributionPaid events) inserted bare with a
 *     better-sqlite3 prepared statement in one transaction (WAL, synchronous=FULL): the floor;
 *   - the process's resident memory during each batch, sampled every 10 ms from a worker thread (so a
 *     blocked event loop does not hide a peak), as growth over the RSS just before the batch;
 *   - the longest wait of a /health request answered by a node:http server on the main thread while a
 *     batch runs: a client in a worker thread asks every 5 ms, and a request's wait runs from when it
 *     was due to be sent to its answer (a stalled loop delays both).
 *
 * The workers: a few are enrolled through the real EnrolWorkerCommand (with their encrypted `personal`
 * envelopes), and their WorkerEnrolled events are copied, with fresh worker and event ids, as a fixture
 * written straight to the embedded store with appendMany (5,000 streams per transaction): enrolling
 * 100,000 people one command at a time is another bench (`npm run bench`). Numbers, not assertions.
 */
import 'reflect-metadata';
import { CommandBus } from '@nestjs/cqrs';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { EventContext, EventStore, NewEvent, RecordedEvent, StreamWrite } from '@app/event-store';
import {
  AllocateFundingCommand,
  commandContext,
  createLedgerContext,
  EnrolWorkerCommand,
  loadLedgerConfig,
  PayContributionsCommand,
  RAW_EVENT_STORE,
} from '@app/ledger';
import { PeopleFactory, villagesOf } from '../apps/cli/src/demo/people';

export interface BatchBenchResult {
  workers: number;
  months: number;
  /** Each month's batch, January first (ms). */
  monthMs: number[];
  firstMonthMs: number;
  /** The last month's batch (the twelfth when `months` is 12). */
  twelfthMonthMs: number;
  /** The same rows as the first month's batch, inserted bare in one transaction (ms). */
  rawBatchedMs: number;
  /** The same for the last month's rows. */
  rawLastMonthMs: number;
  /** Largest RSS growth during one batch over the RSS just before it (MB). */
  peakGrowthMb: number;
  /** Per month (MB). */
  monthGrowthMb: number[];
  /** Longest /health wait while a batch ran (ms), and per month. */
  maxHealthWaitMs: number;
  monthHealthWaitMs: number[];
  /** Health requests answered during the batches. */
  healthRequests: number;
  enrolMs: number;
}

const caller = { userId: 'bench', role: 'operator', regions: ['ID'] };
const actor = () => commandContext({ caller, correlationId: 'bench' });
const REGION = '53.03';
const TEMPLATE = 20;
const FIXTURE_STREAMS_PER_APPEND = 5_000;

/** RSS sampler and /health client, off the main thread. */
const PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
let peak = 0, maxWait = 0, count = 0, measuring = false, due, lag = 0, tick = performance.now();
setInterval(() => { const now = performance.now(); if (now - tick - 10 > lag) lag = now - tick - 10; tick = now; const rss = process.memoryUsage.rss(); if (rss > peak) peak = rss; }, 10);
function ask() {
  due = performance.now();
  const req = http.get({ host: '127.0.0.1', port: workerData.port, path: '/health', agent }, (res) => {
    res.resume();
    res.on('end', () => {
      const wait = performance.now() - due;
      due = undefined;
      if (measuring) { count++; if (wait > maxWait) maxWait = wait; }
      setTimeout(ask, 5);
    });
  });
  req.on('error', () => setTimeout(ask, 5));
}
ask();
parentPort.on('message', (m) => {
  if (m === 'start') { peak = process.memoryUsage.rss(); maxWait = 0; count = 0; lag = 0; measuring = true; parentPort.postMessage('started'); }
  // A request still unanswered when the batch ends has waited at least this long.
  if (m === 'stop') { measuring = false; if (due !== undefined) maxWait = Math.max(maxWait, performance.now() - due); parentPort.postMessage({ peak, maxWait, count, lag }); }
  if (m === 'exit') process.exit(0);
});
`;

class Probe {
  private constructor(
    private readonly worker: Worker,
    private readonly server: Server,
  ) {}

  static async start(): Promise<Probe> {
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const worker = new Worker(PROBE, { eval: true, workerData: { port: (server.address() as AddressInfo).port } });
    return new Probe(worker, server);
  }

  private ask<T>(message: string): Promise<T> {
    return new Promise((resolve) => {
      this.worker.once('message', resolve);
      this.worker.postMessage(message);
    });
  }

  begin(): Promise<void> {
    return this.ask('start');
  }

  end(): Promise<{ peak: number; maxWait: number; count: number; lag: number }> {
    return this.ask('stop');
  }

  async close(): Promise<void> {
    this.worker.postMessage('exit');
    await new Promise((resolve) => this.worker.once('exit', resolve));
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const gc = (globalThis as { gc?: () => void }).gc;
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/** The fixture: `count` copies of real enrolments, with fresh worker and event ids, written with appendMany. */
async function enrolFixture(commands: CommandBus, raw: EventStore, allocationId: string, count: number): Promise<string[]> {
  const people = new PeopleFactory();
  const villages = villagesOf(REGION);
  const templates: RecordedEvent[] = [];
  for (let i = 0; i < TEMPLATE; i++) {
    const { workerId } = await commands.execute(
      new EnrolWorkerCommand({ ...people.person(villages[i % villages.length]), allocationId, enrolledOn: '2025-01-06' }, actor()),
    );
    templates.push((await raw.readStream(`worker-${workerId}`))[0]);
  }
  const ids: string[] = templates.map((t) => t.streamName.slice('worker-'.length));
  let writes: StreamWrite[] = [];
  const flush = async () => {
    const outcomes = await raw.appendMany(writes);
    const failed = outcomes.find((o) => !o.ok);
    if (failed && !failed.ok) throw failed.error;
    writes = [];
  };
  for (let i = ids.length; i < count; i++) {
    const template = templates[i % TEMPLATE];
    const from = template.streamName.slice('worker-'.length);
    const workerId = randomUUID();
    const { hash: _h, prevHash: _p, schemaVersion, effectiveDate: _d, ...context } = template.metadata;
    const event: NewEvent = {
      id: randomUUID(),
      type: template.type,
      data: JSON.parse(JSON.stringify(template.data).split(from).join(workerId)),
      effectiveDate: template.effectiveDate,
      context: context as EventContext,
      schemaVersion,
    };
    writes.push({ streamName: `worker-${workerId}`, expectedRevision: 'no_stream', events: [event] });
    ids.push(workerId);
    if (writes.length === FIXTURE_STREAMS_PER_APPEND) await flush();
  }
  if (writes.length) await flush();
  return ids;
}

/** The floor: the same rows inserted bare, in one transaction. */
class RawFloor {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(
      'CREATE TABLE events (position INTEGER PRIMARY KEY, id TEXT UNIQUE, stream_name TEXT, revision INTEGER, type TEXT, data TEXT, metadata TEXT, effective_date TEXT, recorded_at TEXT, UNIQUE (stream_name, revision))',
    );
    this.insert = this.db.prepare(
      'INSERT INTO events (id, stream_name, revision, type, data, metadata, effective_date, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  /** Inserts the events after `after` (read from the store in pages) in one transaction; answers its time in ms. */
  async copy(store: EventStore, after: string | undefined): Promise<number> {
    const rows: unknown[][] = [];
    for (let from = after; ;) {
      const page = await store.readAll({ after: from, maxCount: 10_000 });
      if (page.length === 0) break;
      from = page[page.length - 1].position;
      for (const e of page)
        rows.push([
          e.id,
          e.streamName,
          e.revision,
          e.type,
          JSON.stringify(e.data),
          JSON.stringify(e.metadata),
          e.effectiveDate,
          e.recordedAt,
        ]);
    }
    const t = performance.now();
    this.db.transaction(() => rows.forEach((row) => this.insert.run(...row)))();
    return performance.now() - t;
  }

  close(): void {
    this.db.close();
  }
}

export async function batchBench(options: { workers: number; months?: number; log?: (line: string) => void }): Promise<BatchBenchResult> {
  const n = options.workers;
  const months = Math.min(12, Math.max(1, options.months ?? 12));
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-batch-'));
  const app = await createLedgerContext(loadLedgerConfig({ DATA_DIR: dir, RUN_PROJECTOR: 'false' }));
  const probe = await Probe.start();
  const floor = new RawFloor(join(dir, 'raw.sqlite'));
  try {
    const commands = app.get(CommandBus);
    const raw = app.get<EventStore>(RAW_EVENT_STORE);
    const { allocationId } = await commands.execute(
      new AllocateFundingCommand(
        {
          regionCode: REGION,
          fundingSource: 'APBD_KABUPATEN_KOTA',
          fiscalYear: 2025,
          amount: n * 16_800 * 12,
          programName: 'bench',
          legalBasis: 'bench',
          allocatedOn: '2025-01-02',
        },
        actor(),
      ),
    );
    let t = performance.now();
    const workerIds = await enrolFixture(commands, raw, allocationId, n);
    const enrolMs = performance.now() - t;
    log(`${n} workers enrolled (fixture) in ${Math.round(enrolMs)} ms`);
    await floor.copy(raw, undefined);

    const monthMs: number[] = [];
    const monthGrowthMb: number[] = [];
    const monthHealthWaitMs: number[] = [];
    const rawMs: number[] = [];
    let healthRequests = 0;
    for (let m = 1; m <= months; m++) {
      const period = `2025-${String(m).padStart(2, '0')}`;
      const head = await raw.headPosition();
      await settle();
      await probe.begin();
      const before = process.memoryUsage.rss();
      t = performance.now();
      const answer = await commands.execute(
        new PayContributionsCommand({ allocationId, period, paidOn: `${period}-10`, workerIds }, actor()),
      );
      const ms = performance.now() - t;
      const seen = await probe.end();
      if (answer.workerCount !== n) throw new Error(`${period}: ${answer.workerCount} of ${n} workers paid`);
      monthMs.push(ms);
      monthGrowthMb.push((seen.peak - before) / 2 ** 20);
      monthHealthWaitMs.push(seen.maxWait);
      healthRequests += seen.count;
      await settle();
      rawMs.push(await floor.copy(raw, head));
      log(
        `${period}: ${Math.round(ms)} ms (raw ${Math.round(rawMs[m - 1])} ms), +${Math.round(monthGrowthMb[m - 1])} MB, /health max ${Math.round(seen.maxWait)} ms over ${seen.count} requests (probe's own lag ${Math.round(seen.lag)} ms)`,
      );
    }
    return {
      workers: n,
      months,
      monthMs,
      firstMonthMs: monthMs[0],
      twelfthMonthMs: monthMs[months - 1],
      rawBatchedMs: rawMs[0],
      rawLastMonthMs: rawMs[months - 1],
      peakGrowthMb: Math.max(...monthGrowthMb),
      monthGrowthMb,
      maxHealthWaitMs: Math.max(...monthHealthWaitMs),
      monthHealthWaitMs,
      healthRequests,
      enrolMs,
    };
  } finally {
    floor.close();
    await probe.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const { values } = parseArgs({
    options: { workers: { type: 'string', default: '100000' }, months: { type: 'string', default: '12' }, json: { type: 'boolean' } },
  });
  batchBench({ workers: Number(values.workers), months: Number(values.months), log: values.json ? undefined : (l) => console.log(l) })
    .then((r) => {
      if (values.json) return console.log(JSON.stringify(r));
      const round = (x: number) => Math.round(x);
      console.log(`\nMonthly batch, ${r.workers.toLocaleString('en-US')} workers, embedded SQLite, ${new Date().toISOString()}`);
      console.table({
        first: {
          'batch ms': round(r.firstMonthMs),
          'raw ms': round(r.rawBatchedMs),
          '× raw': (r.firstMonthMs / r.rawBatchedMs).toFixed(2),
        },
        [`month ${r.months}`]: {
          'batch ms': round(r.twelfthMonthMs),
          'raw ms': round(r.rawLastMonthMs),
          '× raw': (r.twelfthMonthMs / r.rawLastMonthMs).toFixed(2),
        },
      });
      console.log(
        `last / first: ${(r.twelfthMonthMs / r.firstMonthMs).toFixed(2)}; peak growth ${round(r.peakGrowthMb)} MB; /health max wait ${round(r.maxHealthWaitMs)} ms (${r.healthRequests} requests)`,
      );
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
