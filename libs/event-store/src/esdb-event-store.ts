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
  ReadStreamsOptions,
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
import { chunkBySize, DEFAULT_MAX_APPEND_BYTES } from './append-size';
import { RetryPolicy, runResubscribing } from './subscription-loop';

/** Appends and reads issued at once for batch commands: concurrent, not one by one, but bounded. */
const CONCURRENCY = 64;
const READ_PAGE = 1000;

export interface EsdbOptions {
  /**
   * Bytes one append may carry (EVENTSTORE_MAX_APPEND_BYTES): the server refuses appends over its
   * `MaxAppendSize` (1 MiB unless configured), so a write of several events is split into sequential
   * appends under this, each expecting the revision the previous one reached; one event over it is
   * refused with EventTooLargeError before anything is written. Default: 1 MiB less 64 KiB.
   */
  maxAppendBytes?: number;
  /**
   * How many of a stream's last events a re-append with `any` or `stream_exists` looks through for
   * its event ids (a retry answers the first result instead of writing the events twice).
   */
  idempotencyWindow?: number;
  /** Deadline of each append call (the client's default when unset); a timeout is AppendOutcomeUnknownError. */
  appendDeadlineMs?: number;
  /** Waits between resubscriptions of a failed subscription. */
  retry?: RetryPolicy;
}

/** What an append has to write: the events not yet in the stream, chained onto its tail. */
type AppendPlan =
  { done: AppendResult } | { done?: undefined; events: NewEvent[]; tailRevision: number; tailHash: string; expected: ExpectedRevision };

/** The production ledger on EventStoreDB / KurrentDB (`EVENTSTORE_URL=esdb://host:2113?tls=false`). */
export class EsdbEventStore implements EventStore {
  readonly kind = 'eventstoredb' as const;
  readonly atomicAppendMany = false;
  private readonly maxAppendBytes: number;
  private readonly idempotencyWindow: number;

  private constructor(
    private readonly client: EventStoreDBClient,
    private readonly options: EsdbOptions = {},
  ) {
    this.maxAppendBytes = options.maxAppendBytes ?? DEFAULT_MAX_APPEND_BYTES;
    this.idempotencyWindow = options.idempotencyWindow ?? 100;
  }

  /** Connects and proves the server answers, so a bad URL fails at start-up, not at the first command. */
  static async connect(connectionString: string, timeoutMs = 10_000, options: EsdbOptions = {}): Promise<EsdbEventStore> {
    const client = EventStoreDBClient.connectionString(connectionString);
    const probe = collectStreamRead(client.readAll({ maxCount: 1, fromPosition: START, deadline: timeoutMs }));
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([probe, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), timeoutMs)))]);
    } catch (error) {
      await client.dispose().catch(() => undefined);
      throw new Error(`EventStoreDB at ${redact(connectionString)} cannot be reached: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
    return new EsdbEventStore(client, options);
  }

  /**
   * Idempotent for every form of expected revision: the stream is read first, and event ids already
   * there answer the result they had (EventStoreDB's own check covers exact revisions only, and only
   * when the expected revision is the one the events were first written at). The hash chain needs the
   * exact tail, so `any` and `stream_exists` are written at the tail revision just read and re-planned
   * when another writer got in between.
   */
  async append(streamName: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    for (let attempt = 0; ; attempt++) {
      const plan = await this.plan(streamName, events, expectedRevision);
      if (plan.done) return plan.done;
      try {
        return await this.write(streamName, plan.events, plan.tailRevision, plan.tailHash, plan.expected);
      } catch (error) {
        const mapped = mapAppendError(error, streamName);
        // Lost a race (or a chunk of a split write): plan again, which finds our events if they landed.
        if (!(mapped instanceof WrongExpectedRevisionError) || attempt >= 5) throw mapped;
      }
    }
  }

  /** Where the events go: already there (the first result), partly there (a split write cut short), or onto the tail. */
  private async plan(streamName: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendPlan> {
    const exact = typeof expected === 'number' || expected === 'no_stream';
    const recent = (
      await collectStreamRead<ResolvedEvent>(
        this.client.readStream(streamName, {
          fromRevision: END,
          direction: BACKWARDS,
          maxCount: exact ? 1 : Math.max(this.idempotencyWindow, events.length),
        }),
      )
    ).filter((r) => r.event);
    const tail = recent[0]?.event;
    const tailRevision = tail ? revisionToNumber(tail.revision) : -1;

    // Where the first event would be, had it been appended already.
    let firstRevision: number | undefined;
    const hit = recent.find((r) => r.event!.id === events[0].id);
    if (hit) firstRevision = revisionToNumber(hit.event!.revision);
    else if (tail && exact) {
      const candidate = expected === 'no_stream' ? 0 : (expected as number) + 1;
      if (candidate <= tailRevision) {
        const [at] = await this.readRun(streamName, candidate, 1);
        if (at?.id === events[0].id) firstRevision = candidate;
      }
    }

    if (firstRevision !== undefined) {
      const run = await this.readRun(streamName, firstRevision, events.length);
      let k = 0;
      while (k < run.length && run[k].id === events[k].id) k++;
      if (k === events.length) return { done: { nextRevision: firstRevision + k - 1, position: run[k - 1].position } };
      const last = run[k - 1];
      // A split write cut short (a crash, a timeout between its appends): the rest goes on after it.
      if (k === run.length && last.revision === tailRevision) {
        return { events: events.slice(k), tailRevision, tailHash: last.metadata.hash, expected: tailRevision };
      }
      throw new WrongExpectedRevisionError(streamName, expected, tailRevision);
    }

    const actual = tail ? tailRevision : 'no_stream';
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && !tail) ||
      (expected === 'stream_exists' && !!tail) ||
      (typeof expected === 'number' && tailRevision === expected && !!tail);
    if (!ok) throw new WrongExpectedRevisionError(streamName, expected, actual);
    const tailHash = tail ? (tail.metadata as unknown as EventMetadata).hash : GENESIS_HASH;
    return { events, tailRevision, tailHash, expected: tail ? tailRevision : 'no_stream' };
  }

  /** Up to `count` events of the stream from a revision on. */
  private async readRun(streamName: string, from: number, count: number): Promise<RecordedEvent[]> {
    const read = await collectStreamRead<ResolvedEvent>(
      this.client.readStream(streamName, { fromRevision: BigInt(from), direction: FORWARDS, maxCount: count }),
    );
    return read.filter((r) => r.event).map((r) => fromEsdbEvent(r.event as never, r.commitPosition));
  }

  /** Seals the events onto the tail and appends them in chunks under the size limit, each expecting the revision the last reached. */
  private async write(
    streamName: string,
    events: NewEvent[],
    tailRevision: number,
    tailHash: string,
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const chunks = chunkBySize(streamName, sealEvents(streamName, tailRevision, tailHash, events), this.maxAppendBytes);
    let next = expected;
    let result: AppendResult | undefined;
    for (const chunk of chunks) {
      const written = await this.client.appendToStream(
        streamName,
        chunk.map((s) => jsonEvent({ id: s.event.id, type: s.event.type, data: s.event.data as never, metadata: s.metadata as never })),
        {
          expectedRevision: toEsdbExpectedRevision(next),
          ...(this.options.appendDeadlineMs !== undefined && { deadline: this.options.appendDeadlineMs }),
        },
      );
      if (!written.position) throw new Error('EventStoreDB did not return a position for the append');
      result = { nextRevision: revisionToNumber(written.nextExpectedRevision), position: positionToString(written.position) };
      next = result.nextRevision;
    }
    return result!;
  }

  appendMany(writes: StreamWrite[]): Promise<AppendOutcome[]> {
    return appendLeadThenRest(writes, (w) => this.append(w.streamName, w.events, w.expectedRevision), CONCURRENCY);
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.readStreamFrom(streamName, START, options);
  }

  /** `from` is inclusive, as the server reads it (START, or a revision). */
  private async readStreamFrom(streamName: string, from: typeof START | bigint, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const resolved = await collectStreamRead<ResolvedEvent>(
      this.client.readStream(streamName, { fromRevision: from, direction: FORWARDS }),
    );
    const toTime = options.toRecordedAt?.toISOString();
    return resolved
      .filter((r) => r.event)
      .map((r) => fromEsdbEvent(r.event as never, r.commitPosition))
      .filter(
        (e) => (options.toPosition === undefined || e.position <= options.toPosition) && (toTime === undefined || e.recordedAt <= toTime),
      );
  }

  async readStreams(streamNames: readonly string[], options: ReadStreamsOptions = {}): Promise<Map<string, RecordedEvent[]>> {
    const after = options.fromRevision;
    const lists = await mapWithConcurrency(streamNames, CONCURRENCY, (name) => {
      const revision = after?.get(name);
      return this.readStreamFrom(name, revision === undefined ? START : BigInt(revision + 1));
    });
    return new Map(streamNames.map((name, i) => [name, lists[i]]));
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const categories = options.categories ? new Set(options.categories) : undefined;
    const out: RecordedEvent[] = [];
    let from: ReadPosition = options.after === undefined ? START : positionFromString(options.after);
    let after = options.after;
    for (;;) {
      const page = await collectStreamRead<AllStreamResolvedEvent>(
        this.client.readAll({ fromPosition: from, direction: FORWARDS, maxCount: READ_PAGE }),
      );
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

  /**
   * `subscribeToAll`, resubscribed after the last delivered event whenever it fails or the server
   * drops it (see runResubscribing); never an unhandled rejection.
   */
  subscribe(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void> | void): Subscription {
    let caughtUp = false;
    // Servers that send no caught-up notification: caught up once the head at start has been passed,
    // seen either in a delivered event or in a checkpoint of the filtered read.
    const headAtStart = this.headPosition().catch(() => undefined);
    return runResubscribing(
      (after, markCaughtUp) => {
        const mark = () => {
          caughtUp = true;
          markCaughtUp();
        };
        if (!caughtUp) void headAtStart.then((head) => (head === undefined || (after !== undefined && head <= after) ? mark() : undefined));
        const passed = async (position: string) => {
          if (caughtUp) return;
          const head = await headAtStart;
          if (head !== undefined && position >= head) mark();
        };
        const checkpoint = { checkpointInterval: 1, checkpointReached: (_: unknown, p: Position) => passed(positionToString(p)) };
        const filter = options.categories
          ? streamNameFilter({ prefixes: options.categories.map((c) => `${c}-`), ...checkpoint })
          : excludeSystemEvents(checkpoint);
        // Subscription start positions are exclusive in EventStoreDB, as in the port.
        const subscription = this.client.subscribeToAll({ fromPosition: after === undefined ? START : positionFromString(after), filter });
        subscription.on('caughtUp', mark);
        // Errors reach the loop through the iterator; this listener keeps a late one from crashing the process.
        subscription.on('error', () => undefined);
        async function* events(): AsyncGenerator<RecordedEvent> {
          for await (const resolved of subscription) {
            if (!resolved.event || !isLedgerEvent(resolved.event)) continue;
            const event = fromEsdbEvent(resolved.event as never);
            yield event;
            await passed(event.position);
          }
        }
        return { events: events(), close: () => subscription.unsubscribe() };
      },
      options.after,
      handler,
      options.onError,
      this.options.retry,
    );
  }

  /**
   * The last ledger event's position, exactly: `$all` read backwards from its end, one event first,
   * then further pages past system events (`$…`), which the server writes too.
   */
  async headPosition(): Promise<string | undefined> {
    let from: ReadPosition = END;
    let seen: string | undefined;
    for (let page = 1; ; page = Math.min(page * 16, READ_PAGE)) {
      const read: AllStreamResolvedEvent[] = await collectStreamRead<AllStreamResolvedEvent>(
        this.client.readAll({ fromPosition: from, direction: BACKWARDS, maxCount: page }),
      );
      let progressed = false;
      for (const r of read) {
        if (!r.event) continue;
        const position = positionToString(r.event.position);
        // Whether a backwards read includes its start position or not, nothing is looked at twice.
        if (seen !== undefined && position >= seen) continue;
        progressed = true;
        seen = position;
        if (isLedgerEvent(r.event)) return position;
        from = r.event.position;
      }
      if (!progressed || read.length < page) return undefined;
    }
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
