import { MongoClient, type AnyBulkWriteOperation, type Db, type Document } from 'mongodb';
import { toMongoFilter, toMongoSort } from './mongo-filter';
import { assertName, Doc, DocChange, FindQuery, Page, ProjectionState, ReadModels, ReadModelSchema, ReadStore } from './read-store.port';

interface CheckpointDoc {
  _id: string;
  position: string;
  version?: number;
}

interface MetaDoc {
  _id: string;
  value: number;
}

/**
 * Production read models on MongoDB (`MONGO_URL=mongodb://host:27017/db`). Commits use a transaction,
 * so MongoDB must run as a replica set (a single-node one is enough; see docker/compose.yaml).
 */
export class MongoReadStore implements ReadStore {
  readonly kind = 'mongodb' as const;

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    private readonly schema: ReadModelSchema,
  ) {}

  static async connect(url: string, schema: ReadModelSchema, timeoutMs = 10_000): Promise<MongoReadStore> {
    Object.keys(schema).forEach(assertName);
    const client = new MongoClient(url, { serverSelectionTimeoutMS: timeoutMs });
    try {
      await client.connect();
      await client.db().command({ ping: 1 });
    } catch (error) {
      await client.close().catch(() => undefined);
      throw new Error(`MongoDB at ${url.replace(/\/\/[^@/]*@/, '//***@')} cannot be reached: ${(error as Error).message}`);
    }
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
    await this.ensureIndexes(await this.activeGeneration());
  }

  private async activeGeneration(): Promise<number> {
    return (await this.meta().findOne({ _id: 'activeGeneration' }))?.value ?? 1;
  }

  private async ensureIndexes(generation: number): Promise<void> {
    for (const [collection, { indexes }] of Object.entries(this.schema)) {
      const specs = indexes.map((fields) => ({ key: Object.fromEntries(fields.map((f) => [f, 1 as const])) }));
      if (specs.length) await this.db.collection(collectionName(generation, collection)).createIndexes(specs);
    }
  }

  async active(): Promise<ReadModels> {
    return new MongoReadModels(this.client, this.db, await this.activeGeneration(), this.schema);
  }

  async createGeneration(): Promise<ReadModels> {
    const next = await this.meta().findOneAndUpdate({ _id: 'lastGeneration' }, { $inc: { value: 1 } }, { upsert: true, returnDocument: 'after' });
    const generation = next?.value ?? 2;
    await this.ensureIndexes(generation);
    return new MongoReadModels(this.client, this.db, generation, this.schema);
  }

  async activate(generation: number): Promise<void> {
    const previous = await this.activeGeneration();
    await this.meta().updateOne({ _id: 'activeGeneration' }, { $set: { value: generation } });
    const collections = await this.db.listCollections({}, { nameOnly: true }).toArray();
    for (const { name } of collections) {
      const g = Number(/_g(\d+)$/.exec(name)?.[1]);
      if (g && g !== generation && g !== previous) await this.db.dropCollection(name);
    }
  }

  async getRecord(namespace: string, id: string): Promise<Record<string, unknown> | undefined> {
    const doc = await this.db.collection<{ _id: string; record: Record<string, unknown> }>('records').findOne({ _id: `${namespace}/${id}` });
    return doc?.record;
  }

  async putRecord(namespace: string, id: string, record: Record<string, unknown>): Promise<void> {
    await this.db
      .collection<{ _id: string; record: Record<string, unknown> }>('records')
      .replaceOne({ _id: `${namespace}/${id}` }, { record }, { upsert: true });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

class MongoReadModels implements ReadModels {
  constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    readonly generation: number,
    private readonly schema: ReadModelSchema,
  ) {}

  private collection(name: string) {
    if (!this.schema[name]) throw new Error(`unknown collection: ${name}`);
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
    let cursor = coll.find(filter, { projection: { _id: 0 } }).sort(toMongoSort(query.sort));
    if (query.skip) cursor = cursor.skip(query.skip);
    if (query.limit !== undefined) cursor = cursor.limit(query.limit);
    const [items, total] = await Promise.all([cursor.toArray(), coll.countDocuments(filter)]);
    return { items: items as unknown as Doc[], total };
  }

  private checkpoints() {
    return this.db.collection<CheckpointDoc>(`checkpoints_g${this.generation}`);
  }

  async commit(projection: string, changes: readonly DocChange[], checkpoint: string, version?: number): Promise<void> {
    const byCollection = groupWrites(changes);
    const session = this.client.startSession();
    try {
      await session.withTransaction(async () => {
        for (const [collection, ops] of byCollection) {
          await this.collection(collection).bulkWrite(ops, { session, ordered: true });
        }
        await this.checkpoints().replaceOne({ _id: projection }, version === undefined ? { position: checkpoint } : { position: checkpoint, version }, { upsert: true, session });
      });
    } finally {
      await session.endSession();
    }
  }

  async checkpoint(projection: string): Promise<string | undefined> {
    return (await this.projectionState(projection))?.checkpoint;
  }

  async projectionState(projection: string): Promise<ProjectionState | undefined> {
    const doc = await this.checkpoints().findOne({ _id: projection });
    if (!doc) return undefined;
    return typeof doc.version === 'number' ? { checkpoint: doc.position, version: doc.version } : { checkpoint: doc.position };
  }

  /**
   * Not one transaction (a large collection would exceed a transaction's limits): the checkpoint goes
   * first, so a failure part-way leaves a projection without a checkpoint, which is cleared again.
   */
  async clear(projection: string, collections: readonly string[]): Promise<void> {
    const targets = collections.map((c) => this.collection(c));
    await this.checkpoints().deleteOne({ _id: projection });
    for (const collection of targets) await collection.deleteMany({});
  }
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
