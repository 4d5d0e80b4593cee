import { Inject, Injectable, Optional } from '@nestjs/common';
import { Conflict, Decider, DomainEvent } from '@app/domain';
import {
  AppendOutcome,
  AppendOutcomeUnknownError,
  EVENT_STORE,
  EventContext,
  EventStore,
  ExpectedRevision,
  isConcurrencyConflict,
  NewEvent,
  RecordedEvent,
  StreamWrite,
  UpcasterRegistry,
  WriteNotAppliedError,
} from '@app/event-store';
import { LEDGER_UPCASTERS } from '../upcasters';
import { PERSONAL_DATA_ENCRYPTION, type PersonalDataEncryption } from '../privacy/personal-data';
import { SNAPSHOT_STORE, SnapshotStore, StreamSnapshot } from '../snapshots/snapshot-store.port';
import { CommandContext, uuidFrom } from './command-context';

/** What a command needs besides its decider: the streams it reads and where its events go. */
export interface CommandPlan<C, S, E extends DomainEvent> {
  decider: Decider<C, S, E>;
  /**
   * The streams the decision reads, the lead first. On a store without multi-stream transactions the
   * lead is written first and, if it fails, nothing else is.
   */
  streams: readonly string[];
  /** The stream a new event belongs to (one of `streams`); the lead when absent. */
  streamOf?: (event: E) => string;
  /** Checks, on the loaded state and before deciding, that the caller may act on it (region scope). */
  authorize?: (state: S) => void;
  /**
   * A command over many streams (a monthly batch) is read and folded in parts of PART_STREAMS streams,
   * the event loop free between parts. After each part is folded, `condense` may shrink the part's
   * state to what the decision needs of it (so every stream's whole state is never held at once).
   */
  condense?: (state: S, streams: readonly string[]) => S;
  /** Streams whose part of the state is kept in snapshots: read as the snapshot and the events after it. */
  snapshots?: SnapshotPolicy<S>;
}

/**
 * How a plan's streams are snapshotted. A snapshot is a cache: taken of what a fold read (never of this
 * command's own events), used only when its last event is still the stream's event at that revision,
 * ignored under another schema, and never by a replay or a command that finds its own events in the
 * lead stream (it reads every stream whole, as the first execution did).
 */
export interface SnapshotPolicy<S> {
  /** The state's schema and version: change it when the state or its fold changes. */
  schema: string;
  covers(streamName: string): boolean;
  /** The stream's part of the state, JSON-safe; undefined: none to keep. */
  take(state: S, streamName: string): unknown;
  /** The state with the stream's part set from a snapshot; undefined when the snapshot cannot be used. */
  restore(state: S, streamName: string, snapshot: unknown): S | undefined;
}

/** Streams per readStreams call when a plan has many (and per snapshot read and write). */
export const PART_STREAMS = 500;
/** A stream's snapshot is written again once this many events were folded after the last one. */
const SNAPSHOT_AFTER_EVENTS = 2;
/** Events built per turn of the event loop when a command writes many. */
const EVENTS_PER_TURN = 2_000;

/** Lets the event loop answer other requests between parts of a large command. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface CommandOutcome<S, E> {
  /** The state the decision was taken on (without this command's own earlier events). */
  state: S;
  /** This command's events: new, or those of the first execution when the command is a retry. */
  events: E[];
  /** Ledger position of the command's last event (of the lead stream's last event when nothing was appended). */
  position: string;
  /** True when the same command (same Idempotency-Key and request) had already been carried out. */
  replayed: boolean;
  /** Writes after the lead that a store without multi-stream transactions refused (another writer came first). */
  notWritten: Array<{ streamName: string; error: Error }>;
}

/** The event that marks a keyed command as carried out; its stream is named by the command id. */
export const COMMAND_ACCEPTED = 'CommandAccepted';
export const commandStream = (commandId: string) => `command-${commandId}`;

const MAX_ATTEMPTS = 5;
const MAX_UNKNOWN_RETRIES = 3;

/** The ledger did not confirm a write: the caller may retry with the same Idempotency-Key. */
export class LedgerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerUnavailableError';
  }
}

/**
 * The one way a command reaches the ledger: load the plan's streams, decide, append with the expected
 * revisions, and decide again when another writer came first.
 *
 * Idempotency lives in the ledger itself. Event ids derive from the command id (itself derived from
 * the caller's Idempotency-Key), so a retry appends the same ids and the store ignores them. A keyed
 * command also writes a `CommandAccepted` event with the request's hash as its last write: a retry
 * finds it, refuses another request under the same key (409), and answers from the events of the
 * first execution with their position. An append whose outcome is unknown (a timeout) is retried
 * with the same ids, never treated as failed.
 */
@Injectable()
export class CommandSeam {
  private readonly upcasters: UpcasterRegistry = LEDGER_UPCASTERS;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    /** Encrypts each event's `data.personal` before append (the application always has it; bare unit tests may not). */
    @Optional() @Inject(PERSONAL_DATA_ENCRYPTION) private readonly personal?: PersonalDataEncryption,
    /** Where plans with `snapshots` keep them; without it every stream is read whole. */
    @Optional() @Inject(SNAPSHOT_STORE) private readonly snapshotStore?: SnapshotStore,
  ) {}

  async execute<C extends { type: string }, S, E extends DomainEvent>(
    plan: CommandPlan<C, S, E>,
    command: C,
    context: CommandContext,
  ): Promise<CommandOutcome<S, E>> {
    const record = context.requestHash !== undefined ? commandStream(context.commandId) : undefined;
    for (let attempt = 1; ; attempt++) {
      const { accepted, state, own, expected, leadHead } = await this.load(plan, record, context);
      plan.authorize?.(state);
      if (accepted) {
        return { state, events: own.map(toDomainEvent<E>), position: accepted.position, replayed: true, notWritten: [] };
      }

      const events = plan.decider.decide(command, state);
      const writes = await this.encryptPersonal(await this.writesOf(plan, events, expected, context));
      if (record && writes.length > 0 && this.store.atomicAppendMany) writes.push(this.acceptance(record, command, context));
      if (writes.length === 0) {
        if (record) await this.recordAccepted(record, command, context);
        const position = record ? (await this.store.readStream(record))[0].position : leadHead;
        if (position === undefined)
          throw new Conflict(`nothing was recorded for ${command.type} and the ledger holds nothing to answer with`);
        return { state, events, position, replayed: false, notWritten: [] };
      }

      const outcomes = await this.appendConfirmed(writes);
      if (!outcomes[0].ok) {
        if (isConcurrencyConflict(outcomes[0].error) && attempt < MAX_ATTEMPTS) continue;
        if (isConcurrencyConflict(outcomes[0].error))
          throw new Conflict('the ledger kept changing while this command was decided; try again');
        throw outcomes[0].error;
      }
      const notWritten: CommandOutcome<S, E>['notWritten'] = [];
      for (let i = 0; i < writes.length; i++) {
        const outcome = outcomes[i];
        if (!outcome.ok) notWritten.push({ streamName: writes[i].streamName, error: outcome.error });
      }
      let position = maxPosition(outcomes);
      if (record && !this.store.atomicAppendMany && notWritten.length === 0) position = await this.recordAccepted(record, command, context);
      return { state, events, position, replayed: false, notWritten };
    }
  }

  /**
   * Marks a keyed command as carried out once the caller has resolved the writes a store without
   * multi-stream transactions refused; answers its position.
   */
  async complete(command: { type: string }, context: CommandContext): Promise<string | undefined> {
    if (context.requestHash === undefined) return undefined;
    return this.recordAccepted(commandStream(context.commandId), command, context);
  }

  /** Reads the state of streams without deciding anything: a lookup before a command (outside facts). */
  async read<S, E extends DomainEvent>(
    decider: Pick<Decider<unknown, S, E>, 'initialState' | 'evolve'>,
    streams: readonly string[],
  ): Promise<S> {
    const loaded = await this.store.readStreams(streams);
    let state = decider.initialState();
    for (const name of streams) for (const e of loaded.get(name) ?? []) state = decider.evolve(state, toDomainEvent<E>(e));
    return state;
  }

  /** The ledger's last position (a command that changed nothing answers it). */
  headPosition(): Promise<string | undefined> {
    return this.store.headPosition();
  }

  /**
   * Reads and folds the plan's streams, leaving out this command's own earlier events: a retry decides
   * what the first attempt decided. The lead (and the command's record) first; a plan of many streams
   * then in parts, each folded, snapshotted and condensed before the next is read, its events dropped:
   * what stays is the state, each stream's expected revision, the lead's head and the command's own events.
   */
  private async load<C, S, E extends DomainEvent>(plan: CommandPlan<C, S, E>, record: string | undefined, context: CommandContext) {
    const { commandId, requestHash } = context;
    const [lead, ...rest] = plan.streams;
    const policy = this.snapshotStore ? plan.snapshots : undefined;
    // Without snapshots, a plan of a few streams is read in one call, as one consistent read.
    const together = policy ? 0 : PART_STREAMS;
    const first = [lead, ...rest.slice(0, together)];
    const loaded = await this.store.readStreams(record ? [...first, record] : first);
    const accepted = record ? loaded.get(record)?.[0] : undefined;
    if (accepted && accepted.data.requestHash !== requestHash) {
      throw new Conflict('this Idempotency-Key was already used with another request');
    }
    const fold = {
      state: plan.decider.initialState(),
      own: [] as RecordedEvent[],
      expected: new Map<string, ExpectedRevision>(),
      leadHead: undefined as string | undefined,
    };
    const foldStream = (name: string, events: readonly RecordedEvent[]) => {
      let before: ExpectedRevision = events.length ? events[events.length - 1].revision : 'no_stream';
      let seenOwn = false;
      for (const e of events) {
        if (e.metadata.causationId === commandId) {
          if (!seenOwn) before = e.revision === 0 ? 'no_stream' : e.revision - 1;
          seenOwn = true;
          fold.own.push(e);
        } else fold.state = plan.decider.evolve(fold.state, toDomainEvent<E>(e));
      }
      fold.expected.set(name, before);
      if (name === lead && events.length) fold.leadHead = events[events.length - 1].position;
      return seenOwn;
    };
    for (const name of first) foldStream(name, loaded.get(name) ?? []);
    if (plan.condense && first.length > 1) fold.state = plan.condense(fold.state, first.slice(1));
    // A replay, or a command some of whose events were written (the lead is written first), reads whole.
    const snapshots = policy && !accepted && fold.own.length === 0 ? policy : undefined;
    for (let i = together; i < rest.length; i += PART_STREAMS) {
      await breathe();
      const part = rest.slice(i, i + PART_STREAMS);
      const kept = snapshots ? await this.loadSnapshots(snapshots, part) : new Map<string, StreamSnapshot>();
      const fromRevision = new Map([...kept.values()].map((k) => [k.streamName, k.revision - 1]));
      const read = await this.store.readStreams(part, fromRevision.size ? { fromRevision } : undefined);
      const fresh: StreamSnapshot[] = [];
      for (const name of part) {
        let events = read.get(name) ?? [];
        const snapshot = kept.get(name);
        let from = -1;
        if (snapshot) {
          // Used only when its last event is still there, at its revision: else the stream is read whole.
          const at = events.find((e) => e.revision === snapshot.revision);
          const restored = at?.id === snapshot.eventId ? snapshots!.restore(fold.state, name, snapshot.state) : undefined;
          if (restored) {
            fold.state = restored;
            from = snapshot.revision;
          } else events = (await this.store.readStreams([name])).get(name) ?? [];
        }
        const tail = from < 0 ? events : events.filter((e) => e.revision > from);
        const seenOwn = foldStream(name, tail);
        if (from >= 0 && !seenOwn) {
          // The stream's head is its last event read, after the snapshot or the snapshot's own.
          fold.expected.set(name, events[events.length - 1].revision);
        }
        // A snapshot is worth writing once it saves reading a few events (a stream paid monthly: every other month).
        const last = tail.length >= SNAPSHOT_AFTER_EVENTS ? tail[tail.length - 1] : undefined;
        const taken = snapshots && last && !seenOwn && snapshots.covers(name) ? snapshots.take(fold.state, name) : undefined;
        if (last && taken !== undefined)
          fresh.push({ streamName: name, revision: last.revision, eventId: last.id, schema: snapshots!.schema, state: taken });
      }
      await breathe();
      if (fresh.length) await this.saveSnapshots(fresh);
      await breathe();
      if (plan.condense) fold.state = plan.condense(fold.state, part);
    }
    fold.own.sort((a, b) => (a.position < b.position ? -1 : 1));
    return { accepted, ...fold };
  }

  /** Snapshots are a cache: one that cannot be read is as if absent. */
  private async loadSnapshots<S>(policy: SnapshotPolicy<S>, streams: readonly string[]): Promise<Map<string, StreamSnapshot>> {
    const covered = streams.filter((name) => policy.covers(name));
    if (covered.length === 0) return new Map();
    try {
      return await this.snapshotStore!.load(covered, policy.schema);
    } catch {
      return new Map();
    }
  }

  /** A snapshot that cannot be written is only a cache missed: the next command reads more events. */
  private async saveSnapshots(snapshots: StreamSnapshot[]): Promise<void> {
    try {
      await this.snapshotStore!.save(snapshots);
    } catch {
      // the ledger is the truth; nothing to undo
    }
  }

  /** The writes, in the plan's stream order; built a few thousand events per turn of the event loop. */
  private async writesOf<C, S, E extends DomainEvent>(
    plan: CommandPlan<C, S, E>,
    events: E[],
    expected: Map<string, ExpectedRevision>,
    context: CommandContext,
  ): Promise<StreamWrite[]> {
    const byStream = new Map<string, E[]>();
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      const name = plan.streamOf?.(e) ?? plan.streams[0];
      if (!expected.has(name)) throw new Error(`${e.type} belongs to ${name}, which the command did not load`);
      const list = byStream.get(name);
      if (list) list.push(e);
      else byStream.set(name, [e]);
      if (i % EVENTS_PER_TURN === EVENTS_PER_TURN - 1) await breathe();
    }
    const eventContext = this.eventContext(context);
    const writes: StreamWrite[] = [];
    let built = 0;
    for (const name of plan.streams) {
      const list = byStream.get(name);
      if (!list) continue;
      writes.push({
        streamName: name,
        expectedRevision: expected.get(name)!,
        events: list.map((e, i) => this.newEvent(e, uuidFrom(context.commandId, name, String(i)), eventContext)),
      });
      built += list.length;
      if (built >= EVENTS_PER_TURN) {
        built = 0;
        await breathe();
      }
    }
    return writes;
  }

  /** Personal data never reaches the store in clear: each event's `data.personal` becomes its worker's envelope. */
  private async encryptPersonal(writes: StreamWrite[]): Promise<StreamWrite[]> {
    const personal = this.personal;
    if (!personal || !writes.some((w) => w.events.some((e) => 'personal' in e.data))) return writes;
    return Promise.all(
      writes.map(async (w) => ({
        ...w,
        events: await Promise.all(
          w.events.map((e) => ('personal' in e.data ? personal.encryptPersonal(e, String(e.data.workerId ?? '')) : e)),
        ),
      })),
    );
  }

  private acceptance(record: string, command: { type: string }, context: CommandContext): StreamWrite {
    const accepted: DomainEvent = {
      type: COMMAND_ACCEPTED,
      data: { commandType: command.type, requestHash: context.requestHash },
      effectiveDate: new Date().toISOString().slice(0, 10),
    };
    return {
      streamName: record,
      expectedRevision: 'no_stream',
      events: [this.newEvent(accepted, uuidFrom(context.commandId, record), this.eventContext(context))],
    };
  }

  private async recordAccepted(record: string, command: { type: string }, context: CommandContext): Promise<string> {
    const [outcome] = await this.appendConfirmed([this.acceptance(record, command, context)]);
    if (outcome.ok) return outcome.result.position;
    // Another attempt under the same key recorded it first: its record stands.
    if (isConcurrencyConflict(outcome.error)) return (await this.store.readStream(record))[0].position;
    throw outcome.error;
  }

  /** Metrics port: told of every write the store confirmed (the API counts events appended by type). */
  private readonly appendListeners: Array<(events: readonly { type: string }[]) => void> = [];

  onAppended(listener: (events: readonly { type: string }[]) => void): void {
    this.appendListeners.push(listener);
  }

  private appended(writes: StreamWrite[], outcomes: AppendOutcome[]): void {
    if (this.appendListeners.length === 0) return;
    const events: NewEvent[] = [];
    for (let i = 0; i < writes.length; i++) if (outcomes[i].ok) for (const e of writes[i].events) events.push(e);
    for (const listener of this.appendListeners) listener(events);
  }

  /** appendMany, retrying every write whose outcome is unknown with the same ids until the store confirms it. */
  private async appendConfirmed(writes: StreamWrite[]): Promise<AppendOutcome[]> {
    const outcomes = await this.store.appendMany(writes);
    for (let retry = 1; ; retry++) {
      const unknown: number[] = [];
      for (let i = 0; i < outcomes.length; i++) {
        const o = outcomes[i];
        if (!o.ok && isUnknownOutcome(o.error)) unknown.push(i);
      }
      if (unknown.length === 0) {
        this.appended(writes, outcomes);
        return outcomes;
      }
      if (retry > MAX_UNKNOWN_RETRIES) {
        throw new LedgerUnavailableError('the ledger did not confirm the write; retry the request with the same Idempotency-Key');
      }
      const again = await this.store.appendMany(unknown.map((i) => writes[i]));
      unknown.forEach((index, j) => (outcomes[index] = again[j]));
    }
  }

  private eventContext(context: CommandContext): EventContext {
    return {
      userId: context.caller.userId,
      role: context.caller.role,
      correlationId: context.correlationId,
      causationId: context.commandId,
    };
  }

  private newEvent(e: DomainEvent, id: string, context: EventContext): NewEvent {
    return {
      id,
      type: e.type,
      data: e.data as Record<string, unknown>,
      effectiveDate: e.effectiveDate,
      context,
      schemaVersion: this.upcasters.currentVersion(e.type),
    };
  }
}

function isUnknownOutcome(error: Error): boolean {
  return (
    error instanceof AppendOutcomeUnknownError ||
    (error instanceof WriteNotAppliedError && error.cause instanceof AppendOutcomeUnknownError)
  );
}

function maxPosition(outcomes: AppendOutcome[]): string {
  let max = '';
  for (let i = 0; i < outcomes.length; i++) {
    const o = outcomes[i];
    if (o.ok && o.result.position > max) max = o.result.position;
  }
  return max;
}

export function toDomainEvent<E extends DomainEvent>(e: RecordedEvent): E {
  return { type: e.type, data: e.data, effectiveDate: e.effectiveDate } as unknown as E;
}
