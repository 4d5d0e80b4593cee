import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore, SqliteEventStore } from '@app/event-store';

/** A fresh embedded ledger in a temporary directory, removed by `dispose`. */
export function tempLedger(prefix = 'ledger-'): { dir: string; store: SqliteEventStore; dispose: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const store = new SqliteEventStore(join(dir, 'ledger.sqlite'));
  return {
    dir,
    store,
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The same store, but the given methods are replaced (everything else, and the data, is shared). */
export function withOverrides(store: SqliteEventStore, overrides: Partial<EventStore>): EventStore {
  return Object.assign(Object.create(store) as SqliteEventStore, overrides);
}

/**
 * The same store whose stream reads answer a moment late, so commands started together all decide
 * before any of them appends: the overlapping case that a synchronous store never shows on its own.
 */
export function withSlowReads(store: SqliteEventStore, ms = 20): EventStore {
  const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
  return withOverrides(store, {
    readStream: async (name, options) => later(await store.readStream(name, options)),
    readStreams: async (names, options) => later(await store.readStreams(names, options)),
  });
}

/**
 * The same store whose listed methods fail the first `times` calls each (then behave): a fault that
 * passes, as a dropped connection or a busy disk would. `failures` counts the faults injected.
 */
export function withFaults(
  store: SqliteEventStore,
  faults: Partial<Record<'readAll' | 'readStream' | 'readStreams' | 'append' | 'appendMany' | 'headPosition', number>>,
  error: () => Error = () => new Error('injected fault'),
): EventStore & { failures: number } {
  const wrapped = Object.create(store) as SqliteEventStore & { failures: number };
  wrapped.failures = 0;
  for (const [method, times] of Object.entries(faults)) {
    let left = times ?? 0;
    const original = (store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[method].bind(store);
    Object.defineProperty(wrapped, method, {
      value: async (...args: unknown[]) => {
        if (left > 0) {
          left--;
          wrapped.failures++;
          throw error();
        }
        return original(...args);
      },
    });
  }
  return wrapped;
}
