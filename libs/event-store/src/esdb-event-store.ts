import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  START,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type Position,
  type ReadPosition,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  AppendOutcome,
  AppendResult,
  categoryOf,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamWrite,
  SubscribeOptions,
  Subscription,
  WrongExpectedRevisionError,
} from './event-store.port';
import {
  collectStreamRead,
  fromEsdbEvent,
  isEsdbPosition,
  isLedgerEvent,
  mapAppendError,
  positionFromString,
  positionToString,
  revisionToNumber,
  toEsdbExpectedRevision,
} from './esdb-mapping';
import { GENESIS_HASH } from './hashing';
import { sealEvents } from './sealing';
import { appendLeadThenRest, mapWithConcurrency } from './concurrency';

/** Appends and reads issued at once for batch commands: concurrent, not one by one, but bounded. */
const CONCURRENCY = 64;
const READ_PAGE = 1000;

/** The production ledger on EventStoreDB / KurrentDB (`EVENTSTORE_URL=esdb://host:2113?tls=false`). */
export class EsdbEventStore implements EventStore {
  readonly kind = 'eventstoredb' as const;
  readonly atomicAppendMany = false;

  private constructor(private readonly client: EventStoreDBClient) {}

  /** Connects and proves the server answers, so a bad URL fails at start-up, not at the first command. */
  static async connect(connectionString: string, timeoutMs = 10_000): Promise<EsdbEventStore> {
    const client = EventStoreDBClient.connectionString(connectionString);
    const probe = collectStreamRead(client.readAll({ maxCount: 1, fromPosition: START, deadline: timeoutMs }));
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        probe,
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), timeoutMs))),
      ]);
    } catch (error) {
      await client.dispose().catch(() => undefined);
      throw new Error(`EventStoreDB at ${redact(connectionString)} cannot be reached: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
    return new EsdbEventStore(client);
  }

  async append(streamName: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    for (let attempt = 0; ; attempt++) {
      const tail = await this.chainTail(streamName, expectedRevision);
      const sealed = sealEvents(streamName, tail.revision, tail.hash, events);
      // 'any' and 'stream_exists' are turned into the exact revision the chain was computed on, so a
      // concurrent writer can never break the hash chain; the retry keeps the caller's 'any' semantics.
      const expected = typeof expectedRevision === 'number' || expectedRevision === 'no_stream' ? expectedRevision : tail.revision < 0 ? 'no_stream' : tail.revision;
      try {
        const result = await this.client.appendToStream(
          streamName,
          sealed.map((s) => jsonEvent({ id: s.event.id, type: s.event.type, data: s.event.data as never, metadata: s.metadata as never })),
          { expectedRevision: toEsdbExpectedRevision(expected) },
        );
        if (!result.position) throw new Error('EventStoreDB did not return a position for the append');
        return { nextRevision: revisionToNumber(result.nextExpectedRevision), position: positionToString(result.position) };
      } catch (error) {
        const mapped = mapAppendError(error, streamName);
        const retryable = mapped instanceof WrongExpectedRevisionError && typeof expectedRevision !== 'number' && expectedRevision !== 'no_stream';
        if (!retryable || attempt >= 5) throw mapped;
      }
    }
  }

  appendMany(writes: StreamWrite[]): Promise<AppendOutcome[]> {
    return appendLeadThenRest(writes, (w) => this.append(w.streamName, w.events, w.expectedRevision), CONCURRENCY);
  }

  /** The revision and hash the next event of the stream chains onto. */
  private async chainTail(streamName: string, expected: ExpectedRevision): Promise<{ revision: number; hash: string }> {
    if (expected === 'no_stream') return { revision: -1, hash: GENESIS_HASH };
    const read =
      typeof expected === 'number'
        ? this.client.readStream(streamName, { fromRevision: BigInt(expected), direction: BACKWARDS, maxCount: 1 })
        : this.client.readStream(streamName, { fromRevision: END, direction: BACKWARDS, maxCount: 1 });
    const [last] = await collectStreamRead(read);
    if (!last?.event) {
      if (typeof expected === 'number' || expected === 'stream_exists') throw new WrongExpectedRevisionError(streamName, expected, 'no_stream');
      return { revision: -1, hash: GENESIS_HASH };
    }
    return { revision: revisionToNumber(last.event.revision), hash: (last.event.metadata as unknown as EventMetadata).hash };
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const resolved = await collectStreamRead<ResolvedEvent>(this.client.readStream(streamName, { fromRevision: START, direction: FORWARDS }));
    const toTime = options.toRecordedAt?.toISOString();
    return resolved
      .filter((r) => r.event)
      .map((r) => fromEsdbEvent(r.event as never, r.commitPosition))
      .filter((e) => (options.toPosition === undefined || e.position <= options.toPosition) && (toTime === undefined || e.recordedAt <= toTime));
  }

  async readStreams(streamNames: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const lists = await mapWithConcurrency(streamNames, CONCURRENCY, (name) => this.readStream(name));
    return new Map(streamNames.map((name, i) => [name, lists[i]]));
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const categories = options.categories ? new Set(options.categories) : undefined;
    const out: RecordedEvent[] = [];
    let from: ReadPosition = options.after === undefined ? START : positionFromString(options.after);
    let after = options.after;
    for (;;) {
      const page = await collectStreamRead<AllStreamResolvedEvent>(this.client.readAll({ fromPosition: from, direction: FORWARDS, maxCount: READ_PAGE }));
      let progressed = false;
      for (const r of page) {
        if (!r.event) continue;
        const position = positionToString(r.event.position);
        // $all reads start AT fromPosition; the port's `after` is exclusive.
        if (after !== undefined && position <= after) continue;
        progressed = true;
        after = position;
        if (!isLedgerEvent(r.event)) continue;
        if (categories && !categories.has(categoryOf(r.event.streamId))) continue;
        out.push(fromEsdbEvent(r.event as never));
        if (out.length >= options.maxCount) return out;
      }
      if (!progressed || page.length < READ_PAGE || after === undefined) return out;
      from = positionFromString(after);
    }
  }

  subscribe(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void> | void): Subscription {
    let markCaughtUp: () => void = () => undefined;
    const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
    // Servers that send no caught-up notification: caught up once the head at start has been passed,
    // seen either in a delivered event or in a checkpoint of the filtered read.
    const headAtStart = this.headPosition().then((head) => {
      if (head === undefined || (options.after !== undefined && head <= options.after)) markCaughtUp();
      return head;
    });
    const passed = async (position: string) => {
      const head = await headAtStart;
      if (head !== undefined && position >= head) markCaughtUp();
    };
    const checkpoint = { checkpointInterval: 1, checkpointReached: (_: unknown, p: Position) => passed(positionToString(p)) };
    const filter = options.categories ? streamNameFilter({ prefixes: options.categories.map((c) => `${c}-`), ...checkpoint }) : excludeSystemEvents(checkpoint);
    // Subscription start positions are exclusive in EventStoreDB, as in the port.
    const subscription = this.client.subscribeToAll({
      fromPosition: options.after === undefined ? START : positionFromString(options.after),
      filter,
    });
    subscription.on('caughtUp', () => markCaughtUp());
    const loop = (async () => {
      for await (const resolved of subscription) {
        if (!resolved.event || !isLedgerEvent(resolved.event)) continue;
        const event = fromEsdbEvent(resolved.event as never);
        if (options.after !== undefined && event.position <= options.after) continue;
        await handler(event);
        await passed(event.position);
      }
    })();
    return {
      caughtUp,
      async stop() {
        await subscription.unsubscribe();
        await loop.catch(() => undefined);
      },
    };
  }

  async headPosition(): Promise<string | undefined> {
    const page = await collectStreamRead<AllStreamResolvedEvent>(this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 100 }));
    const last = page.find((r) => r.event && isLedgerEvent(r.event));
    return last?.event ? positionToString(last.event.position) : undefined;
  }

  isPosition(value: string): boolean {
    return isEsdbPosition(value);
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
