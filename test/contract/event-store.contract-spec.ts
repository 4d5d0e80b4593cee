import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EsdbEventStore, SqliteEventStore } from '@app/event-store';
import { eventStoreContract } from './event-store.contract';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

eventStoreContract('SQLite (embedded)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-es-'));
  dirs.push(dir);
  return new SqliteEventStore(join(dir, 'ledger.sqlite'));
});

const url = process.env.EVENTSTORE_URL;
if (url) {
  eventStoreContract(`EventStoreDB at ${url}`, () => EsdbEventStore.connect(url));
} else {
  describe('event store contract: EventStoreDB', () => {
    it.skip('skipped: EVENTSTORE_URL is not set (the GitHub workflow sets it)', () => undefined);
  });
}
