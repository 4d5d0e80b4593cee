import { connectMongo } from '@app/read-models';
import type { Collection, MongoClient } from 'mongodb';
import { SnapshotStore, StreamSnapshot } from './snapshot-store.port';

interface SnapshotDoc {
  _id: string;
  revision: number;
  eventId: string;
  schema: string;
  /** The state as JSON text: its keys (periods, claim ids) are not all valid MongoDB field names. */
  state: string;
}

/** Snapshots on MongoDB, beside the read models (same MONGO_URL): collection `snapshots`, one document per stream. */
export class MongoSnapshotStore implements SnapshotStore {
  readonly kind = 'mongodb' as const;

  private constructor(
    private readonly client: MongoClient,
    private readonly snapshots: Collection<SnapshotDoc>,
  ) {}

  static async connect(url: string, timeoutMs = 10_000): Promise<MongoSnapshotStore> {
    const client = await connectMongo(url, timeoutMs);
    return new MongoSnapshotStore(client, client.db().collection<SnapshotDoc>('snapshots'));
  }

  async load(streamNames: readonly string[], schema: string): Promise<Map<string, StreamSnapshot>> {
    const out = new Map<string, StreamSnapshot>();
    if (streamNames.length === 0) return out;
    for await (const doc of this.snapshots.find({ _id: { $in: [...streamNames] }, schema })) {
      let state: unknown;
      try {
        state = JSON.parse(doc.state);
      } catch {
        continue;
      }
      out.set(doc._id, { streamName: doc._id, revision: doc.revision, eventId: doc.eventId, schema, state });
    }
    return out;
  }

  async save(snapshots: readonly StreamSnapshot[]): Promise<void> {
    if (snapshots.length === 0) return;
    await this.snapshots.bulkWrite(
      snapshots.map((s) => ({
        replaceOne: {
          filter: { _id: s.streamName },
          replacement: { revision: s.revision, eventId: s.eventId, schema: s.schema, state: JSON.stringify(s.state) },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
