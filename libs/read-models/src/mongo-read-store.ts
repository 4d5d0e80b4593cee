import { randomUUID } from 'node:crypto';
import {
  MongoClient,
  MongoServerError,
  type AnyBulkWriteOperation,
  type ClientSession,
  type Db,
  type Document,
  type Filter,
} from 'mongodb';
import { fromMongoGroups, toMongoFilter, toMongoGroup, toMongoKeyset, toMongoSort } from './mongo-filter';
import { connectMongo } from './mongo-connect';
import {
  assertName,
  Doc,
  DocChange,
  ExpectedProjectionState,
  FindQuery,
  Page,
  ProjectionConflictError,
  ProjectionState,
  ReadModels,
  ReadModelSchema,
  ReadStore,
} from './read-store.port';

/**
 * A projection's checkpoint. While a clear is under way it holds no position but the clearing
 * writer's token (`clearing`) and when it started (`since`): no commit lands until the clear is over,
 * and a clear left behind by a crashed writer is taken over once older than the store's lease.
 */
interface CheckpointDoc {
  _id: string;
  position?: string;
  version?: number;
  clearing?: string;
  since?: Date;
}

/** How long a clear may stay under way before another writer may take it over (its writer crashed). */
const CLEAR_LEASE_MS = 10 * 60_000;

interface MetaDoc {
  _id: string;
  value: number;
}

/** How long a replaced generation is kept after the swap and after its last use by this process. */
const RETIRE_AFTER_MS = 10_000;

/**
 * Production read models on MongoDB (`MONGO_URL=mongodb://host:27017/db`). Commits use a transaction,
 * so MongoDB must run as a replica set (a single-node one is enough; see docker/compose.yaml).
 *
 * A generation being rebuilt gets its indexes when it is swapped in (built once, not kept up to date
 * through every write of the rebuild); the generation it replaces is dropped once no reader has used
 * it for a while (`retireAfterMs`), so a query that started on it finishes there.
 */
export class MongoReadStore implements ReadStore {
  readonly kind = 'mongodb' as const;
  /** One instance per generation: the runner keeps documents in memory for an instance it committed to. */
  private readonly generations = new Map<number, MongoReadModels>();
  private sweepTimer?: NodeJS.Timeout;
  /** How long a replaced generation is kept after the swap and after its last use by this process. */
  retireAfterMs = RETIRE_AFTER_MS;

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    private readonly schema: ReadModelSchema,
  ) {}

  /** Connects, and refuses a server that is not a replica set member or mongos (`newClient`: tests pass a fake). */
  static async connect(
    url: string,
    schema: ReadModelSchema,
    timeoutMs = 10_000,
    newClient: (url: string, timeoutMs: number) => MongoClient = (u, t) => new MongoClient(u, { serverSelectionTimeoutMS: t }),
  ): Promise<MongoReadStore> {
    Object.keys(schema).forEach(assertName);
    const client = await connectMongo(url, timeoutMs, newClient);
    const store = new MongoReadStore(client, client.db(), schema);
    await store.init();
    return store;
  }

  private meta() {
    return this.db.collection<MetaDoc>('meta');
  }

  private async init(): Promise<void> {
    await this.meta().updateOne({ _id: 'activeGeneration' }, { $setOnInsert: { value: 1 } }, { upsert: true });
    await this.meta().updateOne({ _id: 'lastGeneration' }, { $setOnInsert: { value: 1 } }, { upsert: true });
    const active = await this.activeGeneration();
    await this.ensureIndexes(active);
    // Generations an older version of this code kept after a swap are retired now; retired ones past their time are dropped.
    const now = Date.now();
    for (const g of await this.storedGenerations())
      if (g < active) await this.meta().updateOne({ _id: `retired:${g}` }, { $setOnInsert: { value: now } }, { upsert: true });
    await this.sweep().catch(() => this.sweepLater(this.retireAfterMs || 1000));
  }

  private async activeGeneration(): Promise<number> {
    return (await this.meta().findOne({ _id: 'activeGeneration' }))?.value ?? 1;
  }

  private async ensureIndexes(generation: number): Promise<void> {
    for (const [collection, { indexes }] of Object.entries(this.schema)) {
      const specs = indexes.map((fields) => ({ key: Object.fromEntries(fields.map((f) => [f, 1 as const])) }));
      const target = this.db.collection(collectionName(generation, collection));
      if (specs.length) await target.createIndexes(specs);
      // Indexes of the schema's naming (the server's default, `field_1_other_1`) that it no longer declares
      // (an older list, a changed definition) are dropped; the collection may not exist yet (no index then).
      const wanted = new Set(indexes.map((fields) => fields.map((f) => `${f}_1`).join('_')));
      const existing = await target.indexes().catch(() => []);
      for (const { name } of existing) {
        if (name && name !== '_id_' && /^[a-zA-Z.]+_1(_[a-zA-Z.]+_1)*$/.test(name) && !wanted.has(name)) await target.dropIndex(name);
      }
    }
  }

  async active(): Promise<ReadModels> {
    return this.models(await this.activeGeneration());
  }

  private models(generation: number): MongoReadModels {
    let models = this.generations.get(generation);
    if (!models) this.generations.set(generation, (models = new MongoReadModels(this.client, this.db, generation, this.schema)));
    return models;
  }

  /** A fresh generation; its indexes are built when it is swapped in (activate). */
  async createGeneration(): Promise<ReadModels> {
    const next = await this.meta().findOneAndUpdate(
      { _id: 'lastGeneration' },
      { $inc: { value: 1 } },
      { upsert: true, returnDocument: 'after' },
    );
    const generation = next?.value ?? 2;
    return this.models(generation);
  }

  /** Builds the generation's indexes, makes it the active one, and retires every other generation. */
  async activate(generation: number): Promise<void> {
    await this.ensureIndexes(generation);
    await this.meta().updateOne({ _id: 'activeGeneration' }, { $set: { value: generation } });
    const now = Date.now();
    for (const g of await this.storedGenerations())
      if (g !== generation) await this.meta().updateOne({ _id: `retired:${g}` }, { $setOnInsert: { value: now } }, { upsert: true });
    await this.meta().deleteOne({ _id: `retired:${generation}` });
    // The swap is done; a drop that fails is tried again later.
    await this.sweep().catch(() => this.sweepLater(this.retireAfterMs || 1000));
  }

  private sweepLater(ms: number): void {
    clearTimeout(this.sweepTimer);
    (this.sweepTimer = setTimeout(() => void this.sweep().catch(() => this.sweepLater(ms)), ms)).unref();
  }

  /** Generations that have collections in the database. */
  private async storedGenerations(): Promise<number[]> {
    const collections = await this.db.listCollections({}, { nameOnly: true }).toArray();
    return [...new Set(collections.map(({ name }) => Number(/_g(\d+)$/.exec(name)?.[1])).filter((g) => Number.isInteger(g) && g > 0))];
  }

  /**
   * Drops the retired generations no reader of this process has used for `retireAfterMs` (nor since
   * they were retired); looks again later for those still in use.
   */
  private async sweep(): Promise<void> {
    clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    const active = await this.activeGeneration();
    const retired = await this.meta()
      .find({ _id: { $regex: /^retired:\d+$/ } })
      .toArray();
    const now = Date.now();
    let wait = Infinity;
    for (const { _id, value: since } of retired) {
      const generation = Number(_id.slice('retired:'.length));
      if (generation === active) continue;
      const idle = Math.max(since, this.generations.get(generation)?.lastUsed ?? 0) + this.retireAfterMs - now;
      if (idle > 0) {
        wait = Math.min(wait, idle);
        continue;
      }
      const collections = await this.db.listCollections({}, { nameOnly: true }).toArray();
      for (const { name } of collections) if (name.endsWith(`_g${generation}`)) await this.db.dropCollection(name);
      await this.meta().deleteOne({ _id: `retired:${generation}` });
      this.generations.delete(generation);
    }
    if (wait !== Infinity) this.sweepLater(wait + 5);
  }

  async getRecord(namespace: string, id: string): Promise<Record<string, unknown> | undefined> {
    const doc = await this.db
      .collection<{ _id: string; record: Record<string, unknown> }>('records')
      .findOne({ _id: `${namespace}/${id}` });
    return doc?.record;
  }

  async putRecord(namespace: string, id: string, record: Record<string, unknown>): Promise<void> {
    await this.db
      .collection<{ _id: string; record: Record<string, unknown> }>('records')
      .replaceOne({ _id: `${namespace}/${id}` }, { record }, { upsert: true });
  }

  async close(): Promise<void> {
    clearTimeout(this.sweepTimer);
    await this.client.close();
  }
}

class MongoReadModels implements ReadModels {
  /** When a query or a write of this process last used the generation (a retired one is kept until it has been idle long enough). */
  lastUsed = 0;

  constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    readonly generation: number,
    private readonly schema: ReadModelSchema,
  ) {}

  private collection(name: string) {
    if (!this.schema[name]) throw new Error(`unknown collection: ${name}`);
    this.lastUsed = Date.now();
    return this.db.collection<Document>(collectionName(this.generation, name));
  }

  async get(collection: string, id: string): Promise<Doc | undefined> {
    const doc = await this.collection(collection).findOne({ _id: id as never }, { projection: { _id: 0 } });
    return (doc as unknown as Doc | null) ?? undefined;
  }

  async getMany(collection: string, ids: readonly string[]): Promise<Map<string, Doc>> {
    const docs = await this.collection(collection)
      .find({ _id: { $in: [...new Set(ids)] as never[] } }, { projection: { _id: 0 } })
      .toArray();
    return new Map(docs.map((d) => [d.id as string, d as unknown as Doc]));
  }

  async find(collection: string, query: FindQuery = {}): Promise<Page> {
    const filter = toMongoFilter(query.filter);
    const coll = this.collection(collection);
    // With a keyset the page starts from the index entry after it (the list indexes hold the sort keys, then id).
    const pageFilter = query.after ? { $and: [filter, toMongoKeyset(query.after, query.sort)] } : filter;
    let cursor = coll.find(pageFilter, { projection: { _id: 0 } }).sort(toMongoSort(query.sort));
    if (query.skip) cursor = cursor.skip(query.skip);
    if (query.limit !== undefined) cursor = cursor.limit(query.limit);
    const [items, total, groups] = await Promise.all([
      // limit(0) is no limit to MongoDB: a query for totals only reads no document.
      query.limit === 0 ? [] : cursor.toArray(),
      coll.countDocuments(filter),
      query.group ? coll.aggregate(toMongoGroup(filter, query.group)).toArray() : undefined,
    ]);
    const page: Page = { items: items as unknown as Doc[], total };
    if (groups && query.group) page.groups = fromMongoGroups(groups, query.group);
    return page;
  }

  private checkpoints() {
    return this.db.collection<CheckpointDoc>(`checkpoints_g${this.generation}`);
  }

  /**
   * One transaction: the checkpoint's compare-and-set first (a conditional update, or an insert when
   * no checkpoint is expected), then the documents. A concurrent commit of the same projection makes
   * the server abort one of the two (a write conflict); the driver runs the loser again, which then
   * finds the winner's checkpoint and rejects with ProjectionConflictError, writing nothing.
   */
  async commit(
    projection: string,
    changes: readonly DocChange[],
    checkpoint: string,
    version?: number,
    expected?: ExpectedProjectionState,
  ): Promise<void> {
    const byCollection = groupWrites(changes);
    const session = this.client.startSession();
    try {
      await session.withTransaction(async () => {
        await this.writeCheckpoint(session, projection, checkpoint, version, expected);
        for (const [collection, ops] of byCollection) {
          await this.collection(collection).bulkWrite(ops, { session, ordered: true });
        }
      });
    } finally {
      await session.endSession();
    }
  }

  private async writeCheckpoint(
    session: ClientSession,
    projection: string,
    position: string,
    version: number | undefined,
    expected: ExpectedProjectionState | undefined,
  ): Promise<void> {
    const next = version === undefined ? { position } : { position, version };
    if (expected === undefined) {
      await this.checkpoints().replaceOne({ _id: projection }, next, { upsert: true, session });
      return;
    }
    if (expected === null) {
      try {
        await this.checkpoints().insertOne({ _id: projection, ...next }, { session });
      } catch (error) {
        if (error instanceof MongoServerError && error.code === 11000) throw await this.conflict(projection, expected);
        throw error;
      }
      return;
    }
    const result = await this.checkpoints().replaceOne(stateFilter(projection, expected), next, { session });
    if (result.matchedCount === 0) throw await this.conflict(projection, expected);
  }

  private async conflict(projection: string, expected: ExpectedProjectionState): Promise<ProjectionConflictError> {
    const doc = await this.checkpoints()
      .findOne({ _id: projection })
      .catch(() => null);
    return new ProjectionConflictError(projection, expected, doc?.clearing ? 'clearing' : toState(doc));
  }

  async checkpoint(projection: string): Promise<string | undefined> {
    return (await this.projectionState(projection))?.checkpoint;
  }

  async projectionState(projection: string): Promise<ProjectionState | undefined> {
    return toState(await this.checkpoints().findOne({ _id: projection }));
  }

  /**
   * Not one transaction (a large collection would exceed a transaction's limits): the checkpoint goes
   * first, so a failure part-way leaves a projection without a checkpoint, which is cleared again.
   *
   * With `expected`, the checkpoint is first swapped (compare-and-set) for a marker holding this
   * clear's token, which no commit matches; the documents are deleted; the marker is removed last, and
   * only if it is still this clear's (another writer may have taken over a clear older than the lease).
   */
  async clear(
    projection: string,
    collections: readonly string[],
    expected?: ExpectedProjectionState,
    now: () => Date = () => new Date(),
  ): Promise<void> {
    const targets = collections.map((c) => this.collection(c));
    if (expected === undefined) {
      await this.checkpoints().deleteOne({ _id: projection });
      for (const collection of targets) await collection.deleteMany({});
      return;
    }
    const token = randomUUID();
    const since = now();
    const marker = { $set: { clearing: token, since }, $unset: { position: '', version: '' } } as const;
    if (expected === null) {
      // No checkpoint: no document, or a clear abandoned longer ago than the lease.
      const stale = await this.checkpoints().updateOne(
        { _id: projection, position: { $exists: false }, since: { $lt: new Date(since.getTime() - CLEAR_LEASE_MS) } },
        marker,
      );
      if (stale.matchedCount === 0) {
        try {
          await this.checkpoints().insertOne({ _id: projection, clearing: token, since });
        } catch (error) {
          if (error instanceof MongoServerError && error.code === 11000) throw await this.conflict(projection, expected);
          throw error;
        }
      }
    } else {
      const swapped = await this.checkpoints().updateOne(stateFilter(projection, expected), marker);
      if (swapped.matchedCount === 0) throw await this.conflict(projection, expected);
    }
    for (const collection of targets) await collection.deleteMany({});
    const done = await this.checkpoints().deleteOne({ _id: projection, clearing: token });
    if (done.deletedCount === 0) throw await this.conflict(projection, null);
  }
}

/** The checkpoint document holding exactly this state (a marker of a clear under way never does). */
function stateFilter(projection: string, expected: ProjectionState): Filter<CheckpointDoc> {
  return {
    _id: projection,
    position: expected.checkpoint,
    version: expected.version === undefined ? { $exists: false } : expected.version,
  };
}

function toState(doc: CheckpointDoc | null): ProjectionState | undefined {
  if (!doc || doc.position === undefined) return undefined;
  return typeof doc.version === 'number' ? { checkpoint: doc.position, version: doc.version } : { checkpoint: doc.position };
}

/** Replacements keyed by id, so replaying a batch writes the same documents again: idempotent. */
export function groupWrites(changes: readonly DocChange[]): Map<string, AnyBulkWriteOperation<Document>[]> {
  const out = new Map<string, AnyBulkWriteOperation<Document>[]>();
  for (const c of changes) {
    const ops = out.get(c.collection) ?? [];
    ops.push(
      c.doc
        ? { replaceOne: { filter: { _id: c.id as never }, replacement: { ...c.doc, _id: c.id, id: c.id }, upsert: true } }
        : { deleteOne: { filter: { _id: c.id as never } } },
    );
    out.set(c.collection, ops);
  }
  return out;
}

function collectionName(generation: number, collection: string): string {
  return `${assertName(collection)}_g${generation}`;
}
