import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EsdbEventStore, EventStore, SqliteEventStore, withUpcasting } from '@app/event-store';
import { MongoReadStore, READ_MODEL_SCHEMA, ReadStore, SqliteReadStore } from '@app/read-models';
import type { LedgerConfig } from '../config';
import { LEDGER_UPCASTERS } from '../upcasters';

/** The event store named by the configuration (EventStoreDB when EVENTSTORE_URL is set, else SQLite), as stored. */
export async function openRawEventStore(
  config: Pick<LedgerConfig, 'eventStoreUrl' | 'dataDir' | 'connectTimeoutMs' | 'maxAppendBytes'>,
): Promise<EventStore> {
  if (config.eventStoreUrl)
    return EsdbEventStore.connect(config.eventStoreUrl, config.connectTimeoutMs, { maxAppendBytes: config.maxAppendBytes });
  mkdirSync(config.dataDir, { recursive: true });
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
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteReadStore(join(config.dataDir, 'read-models.sqlite'), READ_MODEL_SCHEMA);
}
