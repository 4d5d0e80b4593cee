/**
 * The checks of LedgerVerifier, split so that ranges of a ledger can be checked apart (in worker
 * threads, say) and then joined in ledger order. Used to verify a large stored ledger quickly; what
 * it accepts is exactly what LedgerVerifier accepts, and it names nothing: when a range or a join
 * fails, the caller verifies the ledger again with LedgerVerifier, which names and classifies the
 * first mismatch (verify-ledger.ts).
 *
 * LedgerVerifier accepts a ledger when, for every event in ledger order:
 *   (a) it is shaped like an event (checkShape),
 *   (b) its position is greater than the one before,
 *   (c) its stored hash is the chain hash of its own content and stored prevHash,
 *   (d) it links to the previous event of its stream: revision + 1 and prevHash = that event's
 *       hash (revision 0 and the genesis hash for the stream's first event).
 * (a) and (c) need nothing but the event. RangeChecker checks all four inside a range of consecutive
 * events, and keeps, per stream, the first event of the range (its revision and prevHash) and the
 * last (its revision and hash). RangeJoiner then checks, range after range in ledger order, (b) for
 * the range's first event against the last event of the ranges before, and (d) for each stream's
 * first event of the range against the stream's last event in the ranges before. Together these are
 * (a)–(d) for every event. The leaf hashes come out of each range in order, for the Merkle tree.
 */
import { isSimpleCanonicalJson } from './canonical-json';
import { chainHash, chainHashOfDataJson, leafHashInto } from './leaf';
import { checkShape, ExportedEvent } from './verify-ledger';

/**
 * A range of consecutive events, checked: what RangeJoiner needs of it. Flat, so that a worker
 * thread hands it over cheaply (the byte arrays are moved, not copied; the stream names are one text).
 */
export interface RangeCheck {
  /** Events in the range. */
  count: number;
  /** (a)–(d) hold inside the range (false also when an event could not be read at all). */
  ok: boolean;
  /** Positions of the range's first and last events ('' for an empty range). */
  firstPosition: string;
  lastPosition: string;
  /** The events' leaf hashes, 32 bytes each, in ledger order (count · 32 bytes). */
  leaves: Uint8Array;
  /** The names of the range's streams, in order of first appearance, written one after the other; stream k's ends at streamEnds[k]. */
  streamNames: string;
  streamEnds: Uint32Array;
  /** Per stream k: its first event's revision and prevHash (32 bytes at 32k), its last event's revision and hash. */
  firstRevisions: Float64Array;
  firstPrevHashes: Uint8Array;
  lastRevisions: Float64Array;
  lastHashes: Uint8Array;
}

interface StreamInRange {
  firstRevision: number;
  firstPrevHash: string;
  lastRevision: number;
  lastHash: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Checks a range of consecutive events as they are stored: `data` and `metadata` as their stored
 * JSON texts, parsed here (so the checks see exactly what a reader of the stored ledger sees).
 * Stops checking at the first failure: the range is then verified again by LedgerVerifier anyway.
 */
export class RangeChecker {
  private readonly leaves: Buffer;
  private readonly inRange = new Map<string, StreamInRange>();
  private count = 0;
  private failed = false;
  private firstPosition = '';
  private lastPosition = '';

  /** `capacity`: the most events the range can hold. */
  constructor(capacity: number) {
    this.leaves = Buffer.alloc(capacity * 32);
  }

  get ok(): boolean {
    return !this.failed;
  }

  /** The next event of the range. */
  add(
    position: string,
    streamName: string,
    revision: number,
    type: string,
    dataText: string,
    metadataText: string,
    effectiveDate: string,
    recordedAt: string,
  ): void {
    if (this.failed) return;
    const i = this.count;
    if (i * 32 >= this.leaves.length) {
      this.failed = true;
      return;
    }
    try {
      // Data stored as its own canonical JSON (as the embedded store writes it) is hashed as it stands,
      // without parsing it: isSimpleCanonicalJson says true only of texts that are (see there).
      const simple = isSimpleCanonicalJson(dataText);
      const e: ExportedEvent = {
        position,
        streamName,
        revision,
        type,
        data: simple ? null : JSON.parse(dataText),
        effectiveDate,
        recordedAt,
        metadata: JSON.parse(metadataText),
      };
      checkShape(e, i); // (a): not the data, which any JSON text is
      const m = e.metadata;
      if (i > 0 && !(position > this.lastPosition)) this.failed = true; // (b)
      leafHashInto(
        { actor: { userId: m.userId, role: m.role }, hash: m.hash, position, recordedAt, revision, streamName },
        this.leaves,
        i * 32,
      );
      const hash = simple ? chainHashOfDataJson(m.prevHash, e, dataText) : chainHash(m.prevHash, e);
      if (hash !== m.hash) this.failed = true; // (c): m.hash is now 64 hex digits
      const s = this.inRange.get(streamName);
      if (s) {
        if (revision !== s.lastRevision + 1 || m.prevHash !== s.lastHash) this.failed = true; // (d)
        s.lastRevision = revision;
        s.lastHash = m.hash;
      } else {
        // (d) is RangeJoiner's; a prevHash that is not 64 hex digits never links to anything.
        if (!HEX64.test(m.prevHash)) this.failed = true;
        this.inRange.set(streamName, { firstRevision: revision, firstPrevHash: m.prevHash, lastRevision: revision, lastHash: m.hash });
      }
    } catch {
      this.failed = true; // not JSON, not shaped like an event, a value canonical JSON refuses: LedgerVerifier says what
      return;
    }
    if (i === 0) this.firstPosition = position;
    this.lastPosition = position;
    this.count = i + 1;
  }

  /** The range's check (its leaves are a view of this checker's buffer). */
  result(): RangeCheck {
    const n = this.failed ? 0 : this.inRange.size;
    const out: RangeCheck = {
      count: this.count,
      ok: !this.failed,
      firstPosition: this.firstPosition,
      lastPosition: this.lastPosition,
      leaves: this.leaves.subarray(0, this.count * 32),
      streamNames: '',
      streamEnds: new Uint32Array(n),
      firstRevisions: new Float64Array(n),
      firstPrevHashes: Buffer.alloc(n * 32),
      lastRevisions: new Float64Array(n),
      lastHashes: Buffer.alloc(n * 32),
    };
    if (this.failed) return out;
    const names: string[] = [];
    let k = 0;
    let end = 0;
    for (const [name, s] of this.inRange) {
      names.push(name);
      out.streamEnds[k] = end += name.length;
      out.firstRevisions[k] = s.firstRevision;
      (out.firstPrevHashes as Buffer).write(s.firstPrevHash, k * 32, 'hex');
      out.lastRevisions[k] = s.lastRevision;
      (out.lastHashes as Buffer).write(s.lastHash, k * 32, 'hex');
      k++;
    }
    out.streamNames = names.join('');
    return out;
  }
}

/** Do the 32 bytes of `a` at `ai` equal those of `b` at `bi`? */
function same32(a: Uint8Array, ai: number, b: Uint8Array, bi: number): boolean {
  for (let i = 0; i < 32; i++) if (a[ai + i] !== b[bi + i]) return false;
  return true;
}

const GENESIS = new Uint8Array(32);

/** Joins checked ranges in ledger order: (b) and (d) across the ranges. */
export class RangeJoiner {
  /**
   * Per stream, its last event so far: a slot, holding its revision (revisions[slot]) and its hash
   * (32 bytes of hashes at 32·slot). Flat arrays, so that joining allocates nothing per stream but its name.
   */
  private readonly slots = new Map<string, number>();
  private revisions = new Float64Array(1024);
  private hashes = new Uint8Array(1024 * 32);
  private last: string | null = null;
  private events = 0;

  /** Events joined so far. */
  get count(): number {
    return this.events;
  }

  /** Position of the last event joined so far. */
  get lastPosition(): string | null {
    return this.last;
  }

  /** The next range in ledger order; false when it does not join (the ledger then needs LedgerVerifier). */
  join(r: RangeCheck): boolean {
    if (!r.ok) return false;
    if (r.count === 0) return true;
    if (this.last !== null && !(r.firstPosition > this.last)) return false; // (b)
    const { slots } = this;
    const n = r.streamEnds.length;
    const found = new Int32Array(n);
    const names = new Array<string>(n);
    for (let k = 0, start = 0; k < n; k++) {
      const name = (names[k] = r.streamNames.slice(start, r.streamEnds[k]));
      start = r.streamEnds[k];
      const slot = slots.get(name);
      found[k] = slot ?? -1;
      // (d): the stream's first event in the range follows its last event before it (or is its first).
      if (slot === undefined) {
        if (r.firstRevisions[k] !== 0 || !same32(r.firstPrevHashes, k * 32, GENESIS, 0)) return false;
      } else if (r.firstRevisions[k] !== this.revisions[slot] + 1 || !same32(r.firstPrevHashes, k * 32, this.hashes, slot * 32)) {
        return false;
      }
    }
    for (let k = 0; k < n; k++) {
      let slot = found[k];
      if (slot < 0) {
        slot = slots.size;
        slots.set(names[k], slot);
        if (slot >= this.revisions.length) this.grow();
      }
      this.revisions[slot] = r.lastRevisions[k];
      for (let i = 0; i < 32; i++) this.hashes[slot * 32 + i] = r.lastHashes[k * 32 + i];
    }
    this.last = r.lastPosition;
    this.events += r.count;
    return true;
  }

  private grow(): void {
    const revisions = new Float64Array(this.revisions.length * 2);
    revisions.set(this.revisions);
    const hashes = new Uint8Array(this.hashes.length * 2);
    hashes.set(this.hashes);
    this.revisions = revisions;
    this.hashes = hashes;
  }
}
