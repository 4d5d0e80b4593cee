import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NewEvent, SqliteEventStore } from '@app/event-store';
import { LEDGER_PROJECTIONS, READ_MODEL_SCHEMA } from './projections';
import { rebuildReadModels } from './rebuild';
import { ProjectionRunner } from './runner';
import { SqliteReadStore } from './sqlite-read-store';

const context = { userId: 'u', role: 'finance', correlationId: 'c', causationId: 'c' };
const ev = (type: string, data: Record<string, unknown>): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  effectiveDate: '2026-01-15',
  context,
});

async function seed(store: SqliteEventStore, allocations: number): Promise<void> {
  const writes = [];
  for (let i = 0; i < allocations; i++) {
    const ref = { allocationId: `a${i}`, regionCode: i % 2 ? '53.03' : '52.03', fundingSource: 'APBD_KABUPATEN_KOTA', fiscalYear: 2026 };
    writes.push({
      streamName: `allocation-a${i}`,
      expectedRevision: 'no_stream' as const,
      events: [
        ev('FundingAllocated', { ...ref, amount: 3_000_000_000, programName: 'p'.repeat(200), legalBasis: 'l', allocatedOn: '2026-01-02' }),
        ev('FundsDisbursed', { ...ref, batchId: `b${i}`, period: '2026-01', workerCount: 10, amount: 168_000, paidOn: '2026-01-15' }),
      ],
    });
  }
  await store.appendMany(writes);
}

const bytes = (file: string) => ['', '-wal'].reduce((n, s) => n + (existsSync(file + s) ? statSync(file + s).size : 0), 0);

function generationsIn(file: string): number[] {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rm\\_g%' ESCAPE '\\'")
      .all();
    return [...new Set(tables.map((t) => Number(/^rm_g(\d+)_/.exec(t.name)![1])))].sort((a, b) => a - b);
  } finally {
    db.close();
  }
}

/** Until the store has dropped what it retired and given the space back, its WAL included (all run after the swap). */
async function settled(file: string, generations: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const db = new Database(file, { readonly: true });
    const free = Number(db.pragma('freelist_count', { simple: true }));
    db.close();
    const walBytes = existsSync(file + '-wal') ? statSync(file + '-wal').size : 0;
    if (generationsIn(file).length === generations && free === 0 && walBytes === 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('read model generations (embedded)', () => {
  let dir: string;
  let events: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-generations-'));
    events = new SqliteEventStore(join(dir, 'ledger.sqlite'));
  });
  afterEach(async () => {
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('drops a replaced generation once unused: after repeated rebuilds one generation is left and the file does not grow', async () => {
    await seed(events, 2000);
    const file = join(dir, 'read-models.sqlite');
    const reads = new SqliteReadStore(file, READ_MODEL_SCHEMA, { retireAfterMs: 0 });
    try {
      await new ProjectionRunner(events, () => reads.active(), LEDGER_PROJECTIONS, { batchSize: 1000 }).catchUp();
      const first = await rebuildReadModels(events, reads, LEDGER_PROJECTIONS);
      await settled(file, 1);
      expect(generationsIn(file)).toEqual([first.generation]);
      const afterFirst = bytes(file);
      const sizes: number[] = [];
      for (let i = 0; i < 3; i++) {
        const again = await rebuildReadModels(events, reads, LEDGER_PROJECTIONS);
        await settled(file, 1);
        expect(generationsIn(file)).toEqual([again.generation]);
        sizes.push(bytes(file));
      }
      // One generation's worth, rebuild after rebuild (the pages of the dropped ones are given back).
      for (const size of sizes) expect(size).toBeLessThanOrEqual(afterFirst * 1.1 + 64 * 1024);
      expect((await (await reads.active()).get('fundingTotals', 'ID:2026'))?.allocationCount).toBe(2000);
    } finally {
      await reads.close();
    }
  }, 60_000);

  it('keeps a replaced generation while a reader of this process still uses it, then drops it', async () => {
    await seed(events, 20);
    const file = join(dir, 'read-models.sqlite');
    const reads = new SqliteReadStore(file, READ_MODEL_SCHEMA, { retireAfterMs: 300 });
    try {
      await new ProjectionRunner(events, () => reads.active(), LEDGER_PROJECTIONS).catchUp();
      const old = await reads.active();
      const rebuilt = await rebuildReadModels(events, reads, LEDGER_PROJECTIONS);
      expect((await reads.active()).generation).toBe(rebuilt.generation);
      // A query that started on the old generation goes on reading it, as long as it keeps using it.
      for (let i = 0; i < 4; i++) {
        expect((await old.find('allocations')).total).toBe(20);
        await new Promise((r) => setTimeout(r, 150));
      }
      expect(generationsIn(file)).toEqual([old.generation, rebuilt.generation]);
      await new Promise((r) => setTimeout(r, 600));
      expect(generationsIn(file)).toEqual([rebuilt.generation]);
      expect((await (await reads.active()).find('allocations')).total).toBe(20);
    } finally {
      await reads.close();
    }
  });

  it('writes a generation being rebuilt from the writer thread: the same documents and indexes as written in the event loop', async () => {
    await seed(events, 1500);
    const collections = LEDGER_PROJECTIONS.flatMap((p) => p.collections);
    const dump = async (reads: SqliteReadStore) => {
      const models = await reads.active();
      const out: Record<string, unknown[]> = {};
      for (const c of collections) out[c] = (await models.find(c)).items;
      return out;
    };
    const indexes = (file: string) => {
      const db = new Database(file, { readonly: true });
      try {
        return db
          .prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
          .all()
          .map((i) => i.sql.replace(/rm_g\d+_/g, 'rm_'));
      } finally {
        db.close();
      }
    };
    const results = [];
    for (const bulkWriterThread of [true, false]) {
      const file = join(dir, `read-models-${bulkWriterThread}.sqlite`);
      const reads = new SqliteReadStore(file, READ_MODEL_SCHEMA, { retireAfterMs: 0, bulkWriterThread });
      try {
        // Several commits per projection (maxDocs), more documents than the thread takes in one message.
        const progress = await rebuildReadModels(events, reads, LEDGER_PROJECTIONS, { batchSize: 1000, maxDocs: 1200 });
        expect(progress.eventsProjected).toBe(3000);
        results.push({ docs: await dump(reads), indexes: indexes(file), checkpoint: progress.checkpoint });
      } finally {
        await reads.close();
      }
    }
    expect(results[0].docs.allocations).toHaveLength(1500);
    expect(results[0].indexes.length).toBeGreaterThan(0);
    expect(results[0]).toEqual(results[1]);
  }, 60_000);

  it('fails the rebuild, and activates nothing, when the writer thread could not write a commit', async () => {
    await seed(events, 50);
    const file = join(dir, 'read-models.sqlite');
    const reads = new SqliteReadStore(file, READ_MODEL_SCHEMA, { retireAfterMs: 0 });
    try {
      await new ProjectionRunner(events, () => reads.active(), LEDGER_PROJECTIONS).catchUp();
      const active = (await reads.active()).generation;
      // Between two commits of the funding projection, another process moves its checkpoint: the event
      // loop's check passes (it knows only what it handed over), the thread's compare-and-set fails.
      const create = reads.createGeneration.bind(reads);
      reads.createGeneration = async () => {
        const fresh = await create();
        const commit = fresh.commit.bind(fresh);
        let commits = 0;
        fresh.commit = async (projection, ...rest) => {
          await commit(projection, ...rest);
          if (projection !== 'funding' || ++commits !== 1) return;
          await (fresh as unknown as { drain(): Promise<void> }).drain();
          const other = new Database(file);
          other.prepare(`UPDATE rm_g${fresh.generation}_checkpoints SET position = 'moved' WHERE projection = 'funding'`).run();
          other.close();
        };
        return fresh;
      };
      await expect(rebuildReadModels(events, reads, LEDGER_PROJECTIONS, { batchSize: 60 })).rejects.toThrow(/funding/);
      expect((await reads.active()).generation).toBe(active);
      expect((await (await reads.active()).find('allocations')).total).toBe(50);
    } finally {
      await reads.close();
    }
  });

  it('keeps the commits of two generations written behind at once apart (one writer thread, messages interleaved)', async () => {
    await seed(events, 1500);
    const file = join(dir, 'read-models.sqlite');
    const reads = new SqliteReadStore(file, READ_MODEL_SCHEMA, { retireAfterMs: 60_000 });
    try {
      const [a, b] = await Promise.all([
        rebuildReadModels(events, reads, LEDGER_PROJECTIONS, { batchSize: 700, maxDocs: 1200 }),
        rebuildReadModels(events, reads, LEDGER_PROJECTIONS, { batchSize: 1100, maxDocs: 900 }),
      ]);
      expect(a.generation).not.toBe(b.generation);
      const db = new Database(file, { readonly: true });
      try {
        for (const generation of [a.generation, b.generation]) {
          const allocations = db.prepare(`SELECT COUNT(*) AS n FROM rm_g${generation}_allocations`).get() as { n: number };
          expect(allocations.n).toBe(1500);
          const totals = db.prepare(`SELECT doc FROM rm_g${generation}_fundingTotals WHERE id = 'ID:2026'`).get() as { doc: string };
          expect(JSON.parse(totals.doc)).toMatchObject({ allocationCount: 1500, workerMonths: 15_000 });
        }
      } finally {
        db.close();
      }
    } finally {
      await reads.close();
    }
  }, 60_000);

  it('fails a rebuild whose writer thread stops during a commit, writing none of that commit', async () => {
    await seed(events, 1500);
    const file = join(dir, 'read-models.sqlite');
    const reads = new SqliteReadStore(file, READ_MODEL_SCHEMA, { retireAfterMs: 0 });
    try {
      await new ProjectionRunner(events, () => reads.active(), LEDGER_PROJECTIONS, { batchSize: 1000 }).catchUp();
      const active = (await reads.active()).generation;
      // The thread stops once the first documents of the first commit have been handed to it.
      const bulk = (reads as unknown as { bulk: { send(m: unknown): void; close(): Promise<void> } }).bulk;
      const send = bulk.send.bind(bulk);
      let sent = 0;
      bulk.send = (message) => {
        send(message);
        if (++sent === 1) void bulk.close();
      };
      await expect(rebuildReadModels(events, reads, LEDGER_PROJECTIONS)).rejects.toThrow(/writer thread/);
      expect((await reads.active()).generation).toBe(active);
      const db = new Database(file, { readonly: true });
      try {
        const fresh = active + 1;
        expect((db.prepare(`SELECT COUNT(*) AS n FROM rm_g${fresh}_allocations`).get() as { n: number }).n).toBe(0);
        expect(db.prepare(`SELECT * FROM rm_g${fresh}_checkpoints`).all()).toEqual([]);
      } finally {
        db.close();
      }
    } finally {
      await reads.close();
    }
  }, 60_000);
});
