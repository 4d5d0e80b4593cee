import { connectMongo } from '@app/read-models';
import { MongoClient, MongoServerError, type Collection, type Db } from 'mongodb';
import { AccessLogEntry, AccessLogFilter, KeyStore, StoredKey } from './key-store.port';

interface KeyDoc {
  _id: string;
  wrapped?: string;
  erasedAt?: string;
}

type AccessDoc = Omit<AccessLogEntry, 'id'> & { _id: string };

/**
 * The key store on MongoDB, beside the read models (same MONGO_URL): collections `dataKeys` (one
 * document per worker: the wrapped key, or `erasedAt` once destroyed) and `accessLog`. Destroying a
 * key replaces its document by the tombstone; what the server's journal or backups still hold of the
 * old document is the operator's to expire (README, "Keys and personal data").
 */
export class MongoKeyStore implements KeyStore {
  readonly kind = 'mongodb' as const;

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
  ) {}

  static async connect(url: string, timeoutMs = 10_000): Promise<MongoKeyStore> {
    const client = await connectMongo(url, timeoutMs);
    const store = new MongoKeyStore(client, client.db());
    await store.log().createIndex({ workerId: 1, at: 1 });
    await store.log().createIndex({ userId: 1, at: 1 });
    await store.log().createIndex({ at: 1 });
    return store;
  }

  private keys(): Collection<KeyDoc> {
    return this.db.collection<KeyDoc>('dataKeys');
  }

  private log(): Collection<AccessDoc> {
    return this.db.collection<AccessDoc>('accessLog');
  }

  async get(kid: string): Promise<StoredKey | undefined> {
    const doc = await this.keys().findOne({ _id: kid });
    return doc ? toKey(doc) : undefined;
  }

  async getMany(kids: readonly string[]): Promise<Map<string, StoredKey>> {
    const out = new Map<string, StoredKey>();
    for (const doc of await this.keys()
      .find({ _id: { $in: [...new Set(kids)] } })
      .toArray())
      out.set(doc._id, toKey(doc));
    return out;
  }

  async putIfAbsent(kid: string, wrapped: string): Promise<StoredKey> {
    try {
      await this.keys().insertOne({ _id: kid, wrapped });
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
    }
    return (await this.get(kid))!;
  }

  async destroy(kid: string, erasedAt: string): Promise<void> {
    const current = await this.keys().findOne({ _id: kid });
    await this.keys().replaceOne({ _id: kid }, { erasedAt: current?.erasedAt ?? erasedAt }, { upsert: true });
  }

  async countActive(): Promise<number> {
    return this.keys().countDocuments({ wrapped: { $exists: true } });
  }

  async appendAccess(e: AccessLogEntry): Promise<void> {
    const { id, requestId, ...rest } = e;
    await this.log().updateOne({ _id: id }, { $setOnInsert: requestId !== undefined ? { ...rest, requestId } : rest }, { upsert: true });
  }

  async accessLog(filter: AccessLogFilter): Promise<AccessLogEntry[]> {
    const query: Record<string, unknown> = {};
    if (filter.workerId !== undefined) query.workerId = filter.workerId;
    if (filter.userId !== undefined) query.userId = filter.userId;
    if (filter.from !== undefined || filter.to !== undefined) {
      query.at = { ...(filter.from !== undefined ? { $gte: filter.from } : {}), ...(filter.to !== undefined ? { $lte: filter.to } : {}) };
    }
    const docs = await this.log().find(query).sort({ at: 1, _id: 1 }).limit(filter.limit).toArray();
    return docs.map(({ _id, ...rest }) => ({ id: _id, ...rest }));
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

function toKey(doc: KeyDoc): StoredKey {
  return doc.wrapped !== undefined ? { state: 'active', wrapped: doc.wrapped } : { state: 'erased', erasedAt: doc.erasedAt ?? '' };
}
