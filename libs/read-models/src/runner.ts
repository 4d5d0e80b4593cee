import { EventEmitter } from 'node:events';
import type { EventStore, RecordedEvent } from '@app/event-store';
import { assertIndependent, DocKey, handles, keyOf, keysFor, Projection, UnitOfWork } from './projection';
import {
  isExpectedState,
  ProjectionConflictError,
  type ExpectedProjectionState,
  type ProjectionState,
  type ReadModels,
} from './read-store.port';

/** Documents a projection of a live runner keeps in memory by default (the hot ones: totals, coverage, enrolment). */
const DEFAULT_MAX_DOCS = 10_000;

/** Pages of at least this many events give the event loop a turn after each projection. */
const YIELD_BETWEEN_PROJECTIONS = 1_000;

/** A runner that lost a race waits this long before reading the state again (the winner moves on meanwhile). */
const CONFLICT_PAUSE_MS = 5;

export interface RunnerOptions {
  /** A label for this runner. Checkpoints are not kept under it: every projection keeps its own. */
  name?: string;
  /**
   * Events per batch: what one commit of each projection covers at most (default 500). A batch is read
   * in pages of `readSize` events and applied in memory; its changed documents are written once, at its
   * commit.
   */
  batchSize?: number;
  /** Events per read of the ledger (default: the batch size, at most 5,000). */
  readSize?: number;
  /**
   * Documents each projection keeps in memory (default 10,000; a rebuild keeps more): those it changed in the batch in flight,
   * and those it read or wrote before, kept across batches while its checkpoint is the one it committed
   * (no other writer moved it), so they are neither read nor parsed again. A batch whose changed
   * documents reach this number commits early; beyond it, those held longest are let go.
   */
  maxDocs?: number;
  /** Called after each page of events is applied in memory (before the batch commits), with its size. */
  onRead?: (events: number) => void;
  /** How long an idle runner sleeps before looking for new events. */
  idleMs?: number;
  /**
   * A checkpoint shared by several projections before each kept its own (read models written by an
   * older runner). When none of this runner's projections has a checkpoint yet, those named in
   * `versions` whose code is still at that version start from it instead of being rebuilt; the shared
   * checkpoint is then deleted. Every other projection is rebuilt as usual.
   */
  adopt?: { checkpoint: string; versions: Readonly<Record<string, number>> };
}

export interface ProjectionLag {
  /** The position every projection has reached (the least of their checkpoints). */
  checkpoint?: string;
  head?: string;
  caughtUp: boolean;
  /** Age of the oldest event not yet projected by every projection. */
  lagSeconds: number;
}

export interface ProjectionStatus {
  name: string;
  /** The version of the projection's code. */
  version: number;
  /** What the read models hold: the checkpoint and the version it was projected with. */
  stored?: ProjectionState;
  /** The stored documents are not this version's (or there are none yet): the runner rebuilds it alone. */
  rebuilding: boolean;
}

/**
 * Reads the ledger in batches and applies the projections, each from its own checkpoint. A batch is
 * read once for all the projections at the same checkpoint; a projection behind them (new, or rebuilt
 * after a change of version) reads its own range, up to where the others are, then joins them. Each
 * projection commits its changed documents with its new checkpoint in one atomic commit: a crash loses
 * at most the batch in flight, which is read again on restart, so nothing is counted twice.
 *
 * A projection whose stored version differs from its code's, or that has no checkpoint, is rebuilt in
 * place and alone: its collections are cleared and it replays the ledger from the start, while the
 * others carry on from their checkpoints (their documents keep answering; its own answer partially
 * until it has caught up: `rebuildReadModels` rebuilds into a fresh generation instead).
 *
 * One writer per projection: every commit and clear is a compare-and-set of the checkpoint the batch
 * started from. Several runners (API replicas, projector processes) may run on one read store; when
 * another committed first, the batch is dropped (`ProjectionConflictError`), the state read again and
 * the projection carries on from the winner's checkpoint, so no event is counted twice.
 */
export class ProjectionRunner {
  private readonly emitter = new EventEmitter();
  private running?: Promise<void>;
  private stopping = false;
  private lastError?: Error;
  /** Projections (by generation) this runner has cleared and that have not committed since. */
  private readonly cleared = new Set<string>();
  private conflictCount = 0;
  /** Whether the last batch lost a race with another writer (then the caller should not idle). */
  private lastBatchConflicted = false;
  /** Each projection's documents in memory, valid for one target and the state it last committed there. */
  private readonly units = new Map<Projection, UnitOfWork>();

  constructor(
    private readonly store: EventStore,
    private readonly target: () => Promise<ReadModels>,
    private readonly projections: readonly Projection[],
    private readonly options: RunnerOptions = {},
  ) {
    assertIndependent(projections);
    this.emitter.setMaxListeners(0);
  }

  get error(): Error | undefined {
    return this.lastError;
  }

  /** Batches (or clears) dropped because another writer had moved the projection's checkpoint first. */
  get conflicts(): number {
    return this.conflictCount;
  }

  /** Projects one batch per group of projections at the same checkpoint; answers how many events it read (0 when caught up). */
  async runBatch(): Promise<number> {
    this.lastBatchConflicted = false;
    const target = await this.target();
    const from = await this.prepare(target);
    const groups = new Map<string | undefined, Projection[]>();
    for (const [projection, { after }] of from) groups.set(after, [...(groups.get(after) ?? []), projection]);
    // Positions sort as strings; "from the start" first (sort() would put undefined last).
    const positions = [...groups.keys()].filter((p): p is string => p !== undefined).sort();
    const starts = groups.has(undefined) ? [undefined, ...positions] : positions;
    let read = 0;
    for (const [i, after] of starts.entries()) {
      const projections = groups.get(after)!;
      const units = projections.map((p) => this.unitFor(target, p, from.get(p)!.expected));
      try {
        // A group behind the next one stops where that one is, so the two read together from then on.
        const batch = await this.applyBatch(target, projections, units, after, starts[i + 1]);
        if (batch.events === 0) continue;
        for (const [k, projection] of projections.entries())
          await this.commit(target, projection, units[k], batch.last!, from.get(projection)!.expected);
        read += batch.events;
      } finally {
        // A unit whose batch did not commit holds changes that were never written: it is let go.
        for (const [k, projection] of projections.entries()) this.release(projection, units[k]);
      }
    }
    return read;
  }

  /**
   * Reads up to a batch of events after `after` (not past `stop`) page by page, and applies each page to
   * the group's units of work: nothing is written yet.
   */
  private async applyBatch(
    target: ReadModels,
    projections: readonly Projection[],
    units: readonly UnitOfWork[],
    after: string | undefined,
    stop: string | undefined,
  ): Promise<{ events: number; last?: string }> {
    const batchSize = this.options.batchSize ?? 500;
    const readSize = Math.max(1, Math.min(this.options.readSize ?? Math.min(batchSize, 5000), batchSize));
    const maxDocs = this.options.maxDocs ?? DEFAULT_MAX_DOCS;
    let events = 0;
    let last = after;
    for (;;) {
      const want = Math.min(readSize, batchSize - events);
      const page = await this.store.readAll({ after: last, maxCount: want });
      const end = stop === undefined ? -1 : page.findIndex((e) => e.position > stop);
      const mine = end >= 0 ? page.slice(0, end) : page;
      if (mine.length === 0) break;
      for (const [k, projection] of projections.entries()) {
        await this.apply(target, projection, units[k], mine);
        // A long page lets the process answer between projections (a rebuild's pages of 5,000 events).
        if (mine.length >= YIELD_BETWEEN_PROJECTIONS) await new Promise((resolve) => setImmediate(resolve));
      }
      events += mine.length;
      last = mine[mine.length - 1].position;
      this.options.onRead?.(mine.length);
      if (end >= 0 || page.length < want || events >= batchSize || units.some((u) => u.dirtyCount >= maxDocs)) break;
      // A long batch lets the process answer in between its pages.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { events, last };
  }

  /**
   * The projection's documents in memory, if still valid for this target and the state the batch
   * starts from and no other batch of this runner has them; else a fresh unit (kept once it commits).
   */
  private unitFor(target: ReadModels, projection: Projection, expected: ExpectedProjectionState): UnitOfWork {
    const unit = this.units.get(projection);
    if (unit && !unit.busy && unit.target === target && isExpectedState(unit.state ?? undefined, expected) && unit.dirtyCount === 0) {
      unit.busy = true;
      return unit;
    }
    if (unit && !unit.busy) this.units.delete(projection);
    // From no checkpoint (cleared by this runner, or a fresh generation) the collections are empty: a
    // document not in memory does not exist. A commit expecting no checkpoint fails if another wrote.
    const fresh = new UnitOfWork(target, expected, expected === null);
    fresh.busy = true;
    return fresh;
  }

  /** The batch is over: a committed unit is kept for the next batch; one that did not commit is dropped. */
  private release(projection: Projection, unit: UnitOfWork): void {
    if (!unit.busy) return;
    unit.busy = false;
    if (unit.dirtyCount > 0 && this.units.get(projection) === unit) this.units.delete(projection);
  }

  /**
   * Where each projection starts (its checkpoint, or the beginning once it has been cleared for a
   * rebuild) and the stored state its commit expects. A projection another writer is clearing, or
   * cleared first, sits this batch out and is read again at the next.
   */
  private async prepare(target: ReadModels): Promise<Map<Projection, { after: string | undefined; expected: ExpectedProjectionState }>> {
    const states = await Promise.all(this.projections.map((p) => target.projectionState(p.name)));
    if (this.options.adopt && states.every((s) => s === undefined)) await this.adopt(target, this.options.adopt, states);
    const from = new Map<Projection, { after: string | undefined; expected: ExpectedProjectionState }>();
    for (const [i, projection] of this.projections.entries()) {
      const state = states[i];
      if (state && state.version === projection.version) {
        from.set(projection, { after: state.checkpoint, expected: state });
        continue;
      }
      // No checkpoint, or one of another version: cleared (once: nothing else writes its collections) and replayed from the start.
      const key = `${target.generation}/${projection.name}`;
      if (state !== undefined || !this.cleared.has(key)) {
        try {
          await target.clear(projection.name, projection.collections, state ?? null);
        } catch (error) {
          if (this.lostRace(error)) continue;
          throw error;
        }
        this.cleared.add(key);
      }
      from.set(projection, { after: undefined, expected: null });
    }
    return from;
  }

  /** Counts a lost compare-and-set; anything else is not one. */
  private lostRace(error: unknown): boolean {
    if (!(error instanceof ProjectionConflictError)) return false;
    this.conflictCount++;
    this.lastBatchConflicted = true;
    return true;
  }

  private async adopt(
    target: ReadModels,
    adopt: NonNullable<RunnerOptions['adopt']>,
    states: Array<ProjectionState | undefined>,
  ): Promise<void> {
    const shared = await target.checkpoint(adopt.checkpoint);
    if (shared === undefined) return;
    for (const [i, projection] of this.projections.entries()) {
      if (adopt.versions[projection.name] !== projection.version) continue;
      try {
        await target.commit(projection.name, [], shared, projection.version, null);
        states[i] = { checkpoint: shared, version: projection.version };
      } catch (error) {
        if (!this.lostRace(error)) throw error;
        states[i] = await target.projectionState(projection.name);
      }
    }
    await target.clear(adopt.checkpoint, []);
  }

  /** Applies the events the projection handles to its unit of work, reading first the documents it needs that are not in memory. */
  private async apply(target: ReadModels, projection: Projection, unit: UnitOfWork, events: readonly RecordedEvent[]): Promise<void> {
    const mine = events.filter((e) => handles(projection, e));
    if (mine.length === 0) return;
    if (!unit.complete) {
      const missing = new Map<string, string[]>();
      const seen = new Set<string>();
      for (const event of mine)
        for (const k of keysFor(projection, event)) {
          const key = keyOf(k);
          if (unit.has(k) || seen.has(key)) continue;
          seen.add(key);
          const ids = missing.get(k.collection);
          if (ids) ids.push(k.id);
          else missing.set(k.collection, [k.id]);
        }
      for (const [collection, ids] of missing) {
        const found = await target.getMany(collection, ids);
        for (const id of ids) unit.loaded({ collection, id } satisfies DocKey, found.get(id));
      }
    }
    for (const event of mine) unit.apply(projection, event);
  }

  /** Commits the unit's changes with the checkpoint, if it is still the one the batch started from. */
  private async commit(
    target: ReadModels,
    projection: Projection,
    unit: UnitOfWork,
    checkpoint: string,
    expected: ExpectedProjectionState,
  ): Promise<void> {
    try {
      await unit.settle(projection);
      await target.commit(projection.name, unit.changes(), checkpoint, projection.version, expected);
    } catch (error) {
      // Nothing was written: what the unit holds is no longer what is stored (release drops it).
      // Another writer got there first: this batch is dropped and the next reads the state afresh.
      if (this.lostRace(error)) return;
      throw error;
    }
    unit.committed({ checkpoint, version: projection.version }, this.options.maxDocs ?? DEFAULT_MAX_DOCS);
    unit.busy = false;
    this.units.set(projection, unit);
    this.cleared.delete(`${target.generation}/${projection.name}`);
  }

  /** Runs until the ledger's head at the time of the call has been projected by every projection. */
  async catchUp(): Promise<void> {
    for (;;) {
      const read = await this.runBatch();
      if (this.lastBatchConflicted) await new Promise((r) => setTimeout(r, CONFLICT_PAUSE_MS));
      else if (read === 0) return;
    }
  }

  /** Projects continuously in the background until `stop`. */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = (async () => {
      while (!this.stopping) {
        let read = 0;
        try {
          read = await this.runBatch();
          this.lastError = undefined;
        } catch (error) {
          // A failing batch is retried; listeners hear of each distinct failure once.
          if ((error as Error).message !== this.lastError?.message) this.emitter.emit('failed', error);
          this.lastError = error as Error;
        }
        if (read === 0 || this.lastBatchConflicted) await new Promise((r) => setTimeout(r, this.options.idleMs ?? 50));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
    this.running = undefined;
  }

  onFailed(listener: (error: Error) => void): () => void {
    this.emitter.on('failed', listener);
    return () => this.emitter.off('failed', listener);
  }

  /**
   * The position up to which every projection has projected, in the read models `target` answers: the
   * least of their checkpoints; undefined while any has none (or one of another version than its code).
   */
  async checkpoint(): Promise<string | undefined> {
    return projectedUpTo(await this.target(), this.projections);
  }

  /** Each projection's version, stored checkpoint and whether it is being rebuilt. */
  async status(): Promise<ProjectionStatus[]> {
    const target = await this.target();
    return Promise.all(
      this.projections.map(async (p) => {
        const stored = await target.projectionState(p.name);
        return { name: p.name, version: p.version, ...(stored && { stored }), rebuilding: stored?.version !== p.version };
      }),
    );
  }

  async lag(now: Date = new Date()): Promise<ProjectionLag> {
    const checkpoint = await this.checkpoint();
    const head = await this.store.headPosition();
    if (head === undefined || (checkpoint !== undefined && checkpoint >= head)) return { checkpoint, head, caughtUp: true, lagSeconds: 0 };
    const [oldest] = await this.store.readAll({ after: checkpoint, maxCount: 1 });
    const lagSeconds = oldest ? Math.max(0, (now.getTime() - Date.parse(oldest.recordedAt)) / 1000) : 0;
    return { checkpoint, head, caughtUp: false, lagSeconds };
  }
}

/**
 * The position up to which every one of the projections has projected into `models`: the least of
 * their checkpoints, or undefined while any has none or one of another version than its code.
 */
export async function projectedUpTo(models: ReadModels, projections: readonly Projection[]): Promise<string | undefined> {
  const states = await Promise.all(projections.map((p) => models.projectionState(p.name)));
  let least: string | undefined;
  for (const [i, state] of states.entries()) {
    if (!state || state.version !== projections[i].version) return undefined;
    if (least === undefined || state.checkpoint < least) least = state.checkpoint;
  }
  return least;
}
