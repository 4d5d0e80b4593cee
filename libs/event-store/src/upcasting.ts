import type { EventStore, RecordedEvent } from './event-store.port';

/**
 * Turns the stored data of one version of an event type into the next version's. Events are forever:
 * a second version never rewrites what is stored; readers see every event in its current version.
 */
export interface Upcaster {
  type: string;
  /** The version this upcaster reads; it answers version `fromVersion + 1`. */
  fromVersion: number;
  upcast(data: Record<string, unknown>, event: Readonly<RecordedEvent>): Record<string, unknown>;
}

/** Every upcaster of the ledger, chained by version; the current version of a type is one past its last upcaster. */
export class UpcasterRegistry {
  private readonly byType = new Map<string, Upcaster[]>();

  constructor(upcasters: readonly Upcaster[] = []) {
    for (const u of upcasters) {
      const chain = this.byType.get(u.type) ?? [];
      chain.push(u);
      this.byType.set(u.type, chain);
    }
    for (const [type, chain] of this.byType) {
      chain.sort((a, b) => a.fromVersion - b.fromVersion);
      chain.forEach((u, i) => {
        if (u.fromVersion !== i + 1) throw new Error(`upcasters of ${type} must start at version 1 and have no gaps`);
      });
    }
  }

  /** The version new events of this type are written in. */
  currentVersion(type: string): number {
    return (this.byType.get(type)?.length ?? 0) + 1;
  }

  /** The event in its current version (the same object when it already is). */
  upcast(event: RecordedEvent): RecordedEvent {
    const chain = this.byType.get(event.type);
    const stored = event.metadata?.schemaVersion ?? 1;
    if (!chain || stored >= chain.length + 1) return event;
    let data = event.data;
    for (const u of chain.slice(stored - 1)) data = u.upcast(data, event);
    return { ...event, data, metadata: { ...event.metadata, schemaVersion: chain.length + 1 } };
  }
}

/**
 * The store as every reader of the application sees it: events upcast on read (streams, the whole
 * ledger, subscriptions), appends unchanged. Verification reads the store itself, since hashes cover
 * the stored form.
 */
export function withUpcasting(store: EventStore, registry: UpcasterRegistry): EventStore {
  const up = (e: RecordedEvent) => registry.upcast(e);
  const wrapped: Partial<EventStore> = {
    readStream: async (name, options) => (await store.readStream(name, options)).map(up),
    readStreams: async (names, options) => new Map([...(await store.readStreams(names, options))].map(([k, v]) => [k, v.map(up)])),
    readAll: async (options) => (await store.readAll(options)).map(up),
    subscribe: (options, handler) => store.subscribe(options, (e) => handler(up(e))),
  };
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop in wrapped) return wrapped[prop as keyof EventStore];
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
