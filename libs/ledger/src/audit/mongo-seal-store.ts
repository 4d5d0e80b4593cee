import { connectMongo } from '@app/read-models';
import { Binary, MongoClient, type AnyBulkWriteOperation, type Db } from 'mongodb';
import { LEAF_BLOCK, LeafBlock, SealCommit, SealState, SealStore, StoredCheckpoint } from './seal-store.port';

interface NodeDoc {
  _id: string;
  level: number;
  index: number;
  hash: Binary;
}

interface LeafDoc {
  _id: number;
  firstPosition: string;
  hashes: Binary;
  positions: string[];
}

interface StateDoc {
  _id: 'seal';
  treeSize: number;
  subtrees: string[];
  lastPosition: string | null;
}

interface CheckpointDoc {
  _id: number;
  treeSize: number;
  rootHash: string;
  position: string | null;
  recordedAt: string;
  note: string;
}

const nodeId = (level: number, index: number) => `${level}:${index}`;

/**
 * The seal store on MongoDB, beside the read models (same MONGO_URL): collections `sealNodes`,
 * `sealLeaves`, `sealState` and `checkpoints`. A sealed batch is one transaction of bulk writes, so
 * MongoDB must run as a replica set (as the read store already requires).
 */
export class MongoSealStore implements SealStore {
  readonly kind = 'mongodb' as const;

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
  ) {}

  static async connect(url: string, timeoutMs = 10_000): Promise<MongoSealStore> {
    const client = await connectMongo(url, timeoutMs);
    const store = new MongoSealStore(client, client.db());
    await store.leaves().createIndex({ firstPosition: 1 });
    await store.checkpointsCollection().createIndex({ recordedAt: 1 });
    return store;
  }

  private nodes() {
    return this.db.collection<NodeDoc>('sealNodes');
  }
  private leaves() {
    return this.db.collection<LeafDoc>('sealLeaves');
  }
  private state() {
    return this.db.collection<StateDoc>('sealState');
  }
  private checkpointsCollection() {
    return this.db.collection<CheckpointDoc>('checkpoints');
  }

  async loadState(): Promise<SealState | undefined> {
    const doc = await this.state().findOne({ _id: 'seal' });
    if (!doc) return undefined;
    const state: SealState = { treeSize: doc.treeSize, subtrees: doc.subtrees };
    if (doc.lastPosition !== null) state.lastPosition = doc.lastPosition;
    return state;
  }

  async commit(batch: SealCommit): Promise<void> {
    const session = this.client.startSession();
    try {
      await session.withTransaction(async () => {
        if (batch.leafBlocks.length > 0) {
          const ops: AnyBulkWriteOperation<LeafDoc>[] = batch.leafBlocks.map((b) => ({
            replaceOne: {
              filter: { _id: b.block },
              replacement: { firstPosition: b.positions[0], hashes: new Binary(b.hashes), positions: b.positions },
              upsert: true,
            },
          }));
          await this.leaves().bulkWrite(ops, { session, ordered: false });
        }
        if (batch.nodes.length > 0) {
          const ops: AnyBulkWriteOperation<NodeDoc>[] = batch.nodes.map((n) => ({
            replaceOne: {
              filter: { _id: nodeId(n.level, n.index) },
              replacement: { level: n.level, index: n.index, hash: new Binary(n.hash) },
              upsert: true,
            },
          }));
          await this.nodes().bulkWrite(ops, { session, ordered: false });
        }
        const s = batch.state;
        await this.state().replaceOne(
          { _id: 'seal' },
          { treeSize: s.treeSize, subtrees: s.subtrees, lastPosition: s.lastPosition ?? null },
          { upsert: true, session },
        );
      });
    } finally {
      await session.endSession();
    }
  }

  async getNodes(ids: ReadonlyArray<{ level: number; index: number }>): Promise<Array<Buffer | undefined>> {
    const docs = await this.nodes()
      .find({ _id: { $in: ids.map((id) => nodeId(id.level, id.index)) } })
      .toArray();
    const byId = new Map(docs.map((d) => [d._id, Buffer.from(d.hash.buffer)]));
    return ids.map((id) => byId.get(nodeId(id.level, id.index)));
  }

  async getLeafBlocks(blocks: readonly number[]): Promise<Map<number, LeafBlock>> {
    const docs = await this.leaves()
      .find({ _id: { $in: [...new Set(blocks)] } })
      .toArray();
    return new Map(docs.map((d) => [d._id, toBlock(d)]));
  }

  async readLeafBlocks(fromBlock: number, maxCount: number): Promise<LeafBlock[]> {
    const docs = await this.leaves()
      .find({ _id: { $gte: fromBlock } })
      .sort({ _id: 1 })
      .limit(maxCount)
      .toArray();
    return docs.map(toBlock);
  }

  async leafIndexOf(position: string): Promise<number | undefined> {
    const doc = await this.leaves()
      .find({ firstPosition: { $lte: position } })
      .sort({ firstPosition: -1 })
      .limit(1)
      .next();
    if (!doc) return undefined;
    const i = doc.positions.indexOf(position);
    return i < 0 ? undefined : doc._id * LEAF_BLOCK + i;
  }

  async addCheckpoint(c: StoredCheckpoint): Promise<void> {
    await this.checkpointsCollection().updateOne({ _id: c.treeSize }, { $setOnInsert: { ...c } }, { upsert: true });
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    const doc = await this.checkpointsCollection().find().sort({ _id: -1 }).limit(1).next();
    return doc ? toCheckpoint(doc) : undefined;
  }

  async checkpointOfSize(treeSize: number): Promise<StoredCheckpoint | undefined> {
    const doc = await this.checkpointsCollection().findOne({ _id: treeSize });
    return doc ? toCheckpoint(doc) : undefined;
  }

  async checkpoints(range: { from?: string; to?: string; limit: number }): Promise<StoredCheckpoint[]> {
    const recordedAt: Record<string, string> = {};
    if (range.from !== undefined) recordedAt.$gte = range.from;
    if (range.to !== undefined) recordedAt.$lte = range.to;
    const filter = Object.keys(recordedAt).length > 0 ? { recordedAt } : {};
    const docs = await this.checkpointsCollection().find(filter).sort({ _id: 1 }).limit(range.limit).toArray();
    return docs.map(toCheckpoint);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

function toBlock(d: LeafDoc): LeafBlock {
  return { block: d._id, hashes: Buffer.from(d.hashes.buffer), positions: d.positions };
}

function toCheckpoint(d: CheckpointDoc): StoredCheckpoint {
  return { treeSize: d.treeSize, rootHash: d.rootHash, position: d.position, recordedAt: d.recordedAt, note: d.note };
}
