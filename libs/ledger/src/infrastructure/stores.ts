import { chmodSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EsdbEventStore, EventStore, SqliteEventStore, withUpcasting } from '@app/event-store';
import { MongoReadStore, READ_MODEL_SCHEMA, ReadStore, SqliteReadStore } from '@app/read-models';
import type { LedgerConfig } from '../config';
import { LEDGER_UPCASTERS } from '../upcasters';
import { MongoSnapshotStore, SnapshotStore, SqliteSnapshotStore } from '../snapshots';

/** The event store named by the configuration (EventStoreDB when EVENTSTORE_URL is set, else SQLite), as stored. */
export async function openRawEventStore(
  config: Pick<LedgerConfig, 'eventStoreUrl' | 'dataDir' | 'connectTimeoutMs' | 'maxAppendBytes'>,
): Promise<EventStore> {
  if (config.eventStoreUrl)
    return EsdbEventStore.connect(config.eventStoreUrl, config.connectTimeoutMs, { maxAppendBytes: config.maxAppendBytes });
  privateDataDir(config.dataDir);
  return new SqliteEventStore(join(config.dataDir, 'ledger.sqlite'));
}

/** The event store as the application reads it: every event in its current version. */
export async function openEventStore(
  config: Pick<LedgerConfig, 'eventStoreUrl' | 'dataDir' | 'connectTimeoutMs' | 'maxAppendBytes'>,
): Promise<EventStore> {
  return withUpcasting(await openRawEventStore(config), LEDGER_UPCASTERS);
}

/** The read store named by the configuration: MongoDB when MONGO_URL is set, else SQLite. */
export async function openReadStore(config: Pick<LedgerConfig, 'mongoUrl' | 'dataDir' | 'connectTimeoutMs'>): Promise<ReadStore> {
  if (config.mongoUrl) return MongoReadStore.connect(config.mongoUrl, READ_MODEL_SCHEMA, config.connectTimeoutMs);
  privateDataDir(config.dataDir);
  return new SqliteReadStore(join(config.dataDir, 'read-models.sqlite'), READ_MODEL_SCHEMA);
}

/** Where the command seam keeps stream snapshots (a cache): MongoDB beside the read models when MONGO_URL is set, else DATA_DIR/snapshots.sqlite. */
export async function openSnapshotStore(config: Pick<LedgerConfig, 'mongoUrl' | 'dataDir' | 'connectTimeoutMs'>): Promise<SnapshotStore> {
  if (config.mongoUrl) return MongoSnapshotStore.connect(config.mongoUrl, config.connectTimeoutMs);
  privateDataDir(config.dataDir);
  return new SqliteSnapshotStore(join(config.dataDir, 'snapshots.sqlite'));
}

/**
 * The embedded files hold a financial record and encrypted personal data: readable by the service's
 * user only. New files are made so (umask), and files an older version left readable are fixed.
 */
export function privateDataDir(dataDir: string): void {
  process.umask(0o077);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  for (const name of readdirSync(dataDir)) {
    const file = join(dataDir, name);
    if (existsSync(file) && /\.(sqlite(-wal|-shm)?|key)$|^(nik-pepper|master\.key)$/.test(name)) chmodSync(file, 0o600);
  }
}
