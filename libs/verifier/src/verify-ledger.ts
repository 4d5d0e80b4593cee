/**
 * Offline verification of a ledger export (NDJSON, one event per line in ledger order, as
 * `export-ledger` writes and /audit/streams shows events), of checkpoints and of signed reports.
 *
 * verifyLedger reads the events once, in order, and for every event:
 *   1. checks that positions strictly increase (ledger order),
 *   2. recomputes its chain hash and checks its place in its stream's hash chain,
 *   3. appends its leaf hash to the ledger's Merkle tree.
 * The answer carries the tree size and root (the ledger digest) over ALL events read, and the first
 * mismatch: the first event, in ledger order, at which the chain stops being right, classified as
 * README.md "What verifyLedger reports" explains.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { canonicalJson } from './canonical-json';
import { parseCheckpoint, Checkpoint } from './checkpoint';
import { chainHash, GENESIS_HASH, leafHashHex } from './leaf';
import { MerkleAccumulator, verifyConsistency } from './merkle';
import { decodeBase64Strict, NoteVerifier, openNote, parseVerifierKey } from './note';

/** An event as the export (and /audit/streams) shows it. Other metadata fields are ignored. */
export interface ExportedEvent {
  position: string;
  streamName: string;
  revision: number;
  type: string;
  data: unknown;
  effectiveDate: string;
  recordedAt: string;
  metadata: { hash: string; prevHash: string; userId: string; role: string; [field: string]: unknown };
}

export type MismatchProblem = 'changed' | 'missing' | 'inserted' | 'reordered';

export interface Mismatch {
  /** The position of the event named (for `missing`: of the event that follows the gap). */
  position: string;
  streamName: string;
  /** The revision of the event named (for `missing`: the first missing revision). */
  revision: number;
  problem: MismatchProblem;
  /** One sentence for a human. */
  detail: string;
}

export interface LedgerVerification {
  ok: boolean;
  checkedEvents: number;
  lastPosition: string | null;
  /** Number of leaves in the Merkle tree: every event read. */
  treeSize: number;
  /** RFC 9162 root over every event read, lowercase hex (the ledger digest at treeSize). */
  rootHash: string;
  firstMismatch?: Mismatch;
}

export interface VerifyLedgerOptions {
  /** Ledger order of two positions (negative: a first). Default: string comparison, as the store promises. */
  comparePositions?: (a: string, b: string) => number;
  /** Called with every leaf hash in order (to keep nodes for proofs, or to stop at a size). */
  onLeaf?: (index: number, leafHash: Buffer) => void;
}

export class LedgerFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerFormatError';
  }
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Throws LedgerFormatError when `e` (the index-th event read) is not even shaped like an event. */
export function checkShape(e: ExportedEvent, index: number): void {
  const bad = (what: string): never => {
    const where = e && typeof e === 'object' && typeof e.position === 'string' ? `position ${e.position}` : `index ${index}`;
    throw new LedgerFormatError(`event at ${where}: ${what}`);
  };
  if (e === null || typeof e !== 'object') bad('not an object');
  if (typeof e.position !== 'string') bad('position must be a string');
  if (typeof e.streamName !== 'string') bad('streamName must be a string');
  if (!Number.isSafeInteger(e.revision) || e.revision < 0) bad('revision must be a non-negative integer');
  if (typeof e.type !== 'string') bad('type must be a string');
  if (typeof e.effectiveDate !== 'string') bad('effectiveDate must be a string');
  if (typeof e.recordedAt !== 'string') bad('recordedAt must be a string');
  const m = e.metadata;
  if (m === null || typeof m !== 'object') bad('metadata missing');
  // A hash or prevHash that is not 64 lowercase hex digits can never equal a recomputed one, so
  // the chain check reports it (as `changed`); only the type is checked here.
  if (typeof m.hash !== 'string') bad('metadata.hash must be a string');
  if (typeof m.prevHash !== 'string') bad('metadata.prevHash must be a string');
  if (typeof m.userId !== 'string' || typeof m.role !== 'string') bad('metadata.userId and metadata.role must be strings');
}

/** The event's leaf hash in the ledger's Merkle tree, lowercase hex (leaf.ts; the event is shaped). */
export function eventLeafHashHex(e: ExportedEvent): string {
  const m = e.metadata;
  return leafHashHex({
    actor: { userId: m.userId, role: m.role },
    hash: m.hash,
    position: e.position,
    recordedAt: e.recordedAt,
    revision: e.revision,
    streamName: e.streamName,
  });
}

/** What is remembered of an event of a stream under diagnosis. */
interface Rec {
  position: string;
  revision: number;
  hash: string;
  prevHash: string;
  /** The stored hash is the chain hash of the event's own content and stored prevHash. */
  ownValid: boolean;
}

/** The first anomaly: the stream's last good event (head) and every event of the stream from there on. */
interface Diagnosis {
  streamName: string;
  head?: Rec;
  events: Rec[]; // events[0] is the anomalous event
}

function mismatch(streamName: string, r: Pick<Rec, 'position' | 'revision'>, problem: MismatchProblem, detail: string): Mismatch {
  return { position: r.position, streamName, revision: r.revision, problem, detail };
}

/** Classifies the first anomaly once the rest of its stream has been read. */
function diagnose(d: Diagnosis): Mismatch {
  const { streamName, head: H, events: L } = d;
  const A = L[0];
  const h = H ? H.revision : -1;
  const hh = H ? H.hash : GENESIS_HASH;
  const later = L.slice(1);
  // The genuine next event: revision h+1, linked to the head, hash right.
  const G = later.find((x) => x.revision === h + 1 && x.prevHash === hh && x.ownValid);

  if (A.revision <= h) {
    if (H && A.revision === h && A.prevHash === H.prevHash && A.ownValid) {
      // Two events claim revision h with the same predecessor: the stream continues from only one.
      const continuesFromA = later.some((x) => x.prevHash === A.hash);
      const continuesFromH = later.some((x) => x.prevHash === H.hash);
      if (continuesFromA && !continuesFromH) {
        return mismatch(
          streamName,
          H,
          'inserted',
          `revision ${h} appears twice; the stream continues from the later one, so this one was inserted`,
        );
      }
      return mismatch(
        streamName,
        A,
        'inserted',
        `revision ${h} appears twice with the same predecessor; the stream does not continue from this one`,
      );
    }
    return mismatch(streamName, A, 'inserted', `revision ${A.revision} of this stream was already seen (the stream was at revision ${h})`);
  }

  if (A.revision === h + 1) {
    // Right revision, wrong link (prevHash is not the head's hash).
    if (G) return mismatch(streamName, A, 'inserted', `does not link to revision ${h}, while a later event of revision ${h + 1} does`);
    if (!A.ownValid) return mismatch(streamName, A, 'changed', 'the stored hash is not the hash of the event content and stored prevHash');
    if (H) {
      return mismatch(
        streamName,
        H,
        'changed',
        `the next event of the stream (revision ${A.revision}, position ${A.position}) was chained to a different hash: this event changed after it was written`,
      );
    }
    return mismatch(streamName, A, 'changed', 'the first event of the stream does not link to the genesis hash');
  }

  // A.revision > h + 1: a gap.
  if (!A.ownValid) return mismatch(streamName, A, 'changed', 'the stored hash is not the hash of the event content and stored prevHash');
  if (G) {
    // Follow the chain from G; if it leads to A, the events from G on merely came too late.
    const byPrev = new Map<string, Rec>();
    for (const x of later) if (x.ownValid && !byPrev.has(x.prevHash)) byPrev.set(x.prevHash, x);
    byPrev.set(A.prevHash, byPrev.get(A.prevHash) ?? A);
    let cur = G;
    for (;;) {
      const next = byPrev.get(cur.hash);
      if (!next || next.revision !== cur.revision + 1 || next === cur) break;
      cur = next;
      if (cur === A) break;
    }
    if (cur === A || cur.revision + 1 < A.revision) {
      return mismatch(
        streamName,
        G,
        'reordered',
        `revision ${G.revision} comes after revision ${A.revision} (position ${A.position}) of the same stream`,
      );
    }
    return mismatch(streamName, A, 'inserted', `revision ${A.revision} does not belong to the chain that continues from revision ${h}`);
  }
  const late = later.find((x) => x.revision > h && x.revision < A.revision);
  if (late)
    return mismatch(
      streamName,
      late,
      'reordered',
      `revision ${late.revision} comes after revision ${A.revision} (position ${A.position}) of the same stream`,
    );
  return {
    position: A.position,
    streamName,
    revision: h + 1,
    problem: 'missing',
    detail:
      A.revision === h + 2
        ? `revision ${h + 1} is missing: revision ${A.revision} (at this position) follows revision ${h}`
        : `revisions ${h + 1}..${A.revision - 1} are missing: revision ${A.revision} (at this position) follows revision ${h}`,
  };
}

/**
 * The verification as a state machine: `add` each event in ledger order, then read `result()`.
 * (verifyLedger drives it; a service can feed it from its own event source.)
 */
export class LedgerVerifier {
  private readonly compare: (a: string, b: string) => number;
  private readonly acc = new MerkleAccumulator();
  private readonly heads = new Map<string, Rec>();
  private checked = 0;
  private lastPosition: string | null = null;
  private diag: Diagnosis | undefined;
  private found: Mismatch | undefined;

  constructor(private readonly options: VerifyLedgerOptions = {}) {
    this.compare = options.comparePositions ?? ((a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Checks the next event. Throws LedgerFormatError on an event that is not even shaped like one. */
  add(e: ExportedEvent): void {
    checkShape(e, this.checked);
    const m = e.metadata;
    const leaf = eventLeafHashHex(e);
    if (this.options.onLeaf) {
      const leafHash = Buffer.from(leaf, 'hex');
      this.options.onLeaf(this.checked, leafHash);
      this.acc.append(leafHash);
    } else {
      this.acc.appendHex(leaf);
    }
    const previousPosition = this.lastPosition;
    this.checked++;
    this.lastPosition = e.position;
    if (this.found) return;

    const diag = this.diag;
    if (diag) {
      if (e.streamName === diag.streamName) {
        diag.events.push({
          position: e.position,
          revision: e.revision,
          hash: m.hash,
          prevHash: m.prevHash,
          ownValid: chainHash(m.prevHash, e) === m.hash,
        });
      }
      return;
    }

    if (previousPosition !== null) {
      const c = this.compare(e.position, previousPosition);
      if (c === 0) {
        this.found = mismatch(e.streamName, e, 'inserted', `a second event at position ${e.position}`);
        return;
      }
      if (c < 0) {
        this.found = mismatch(
          e.streamName,
          e,
          'reordered',
          `position ${e.position} comes after position ${previousPosition}: not in ledger order`,
        );
        return;
      }
    }

    const ownValid = chainHash(m.prevHash, e) === m.hash;
    const head = this.heads.get(e.streamName);
    const rec: Rec = { position: e.position, revision: e.revision, hash: m.hash, prevHash: m.prevHash, ownValid };
    if (e.revision === (head ? head.revision + 1 : 0) && m.prevHash === (head ? head.hash : GENESIS_HASH)) {
      if (ownValid) this.heads.set(e.streamName, rec);
      else this.found = mismatch(e.streamName, e, 'changed', 'the stored hash is not the hash of the event content and stored prevHash');
      return;
    }
    this.diag = { streamName: e.streamName, head, events: [rec] };
  }

  /** The verification of every event added so far (the first anomaly is classified now). */
  result(): LedgerVerification {
    const found = this.found ?? (this.diag ? diagnose(this.diag) : undefined);
    const result: LedgerVerification = {
      ok: !found,
      checkedEvents: this.checked,
      lastPosition: this.lastPosition,
      treeSize: this.acc.size,
      rootHash: this.acc.root().toString('hex'),
    };
    if (found) result.firstMismatch = found;
    return result;
  }
}

/**
 * Recomputes every stream's hash chain and the ledger's Merkle tree from events in ledger order.
 * Throws LedgerFormatError on an event that is not even shaped like one.
 */
export async function verifyLedger(
  events: AsyncIterable<ExportedEvent> | Iterable<ExportedEvent>,
  options: VerifyLedgerOptions = {},
): Promise<LedgerVerification> {
  const v = new LedgerVerifier(options);
  if (Symbol.asyncIterator in events) {
    for await (const e of events) v.add(e);
  } else {
    for (const e of events) v.add(e); // no await per event for arrays and other sync sources
  }
  return v.result();
}

/** Reads NDJSON: one JSON value per non-empty line. Throws LedgerFormatError naming the line. */
export async function* readNdjson<T = ExportedEvent>(input: NodeJS.ReadableStream): AsyncGenerator<T> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    try {
      yield JSON.parse(line) as T;
    } catch (e) {
      if (e instanceof SyntaxError) throw new LedgerFormatError(`line ${n}: not JSON (${e.message})`);
      throw e;
    }
  }
}

/** The events of a ledger export file (NDJSON). */
export function readLedgerExport(path: string): AsyncGenerator<ExportedEvent> {
  return readNdjson<ExportedEvent>(createReadStream(path, { encoding: 'utf8' }));
}

// ---------------------------------------------------------------------------------------------
// Checkpoints
// ---------------------------------------------------------------------------------------------

export interface CheckpointVerification {
  ok: boolean;
  checkpoint?: Checkpoint;
  /** Root of the ledger's first checkpoint.treeSize events, lowercase hex, when there were that many. */
  ledgerRootHash?: string;
  problem?: string;
}

function openCheckpoint(note: string, key: string | NoteVerifier): { checkpoint?: Checkpoint; problem?: string } {
  const opened = openNote(note, key);
  if (!opened.ok) return { problem: `checkpoint signature: ${opened.reason}` };
  try {
    return { checkpoint: parseCheckpoint(opened.text) };
  } catch (e) {
    return { problem: (e as Error).message };
  }
}

/**
 * Does the ledger (events in ledger order) have, at the checkpoint's tree size, the checkpoint's
 * root? The checkpoint note must be signed by `verifierKey`. Reads only the first treeSize events.
 */
export async function verifyConsistencyWithCheckpoint(
  events: AsyncIterable<ExportedEvent> | Iterable<ExportedEvent>,
  checkpointNote: string,
  verifierKey: string,
): Promise<CheckpointVerification> {
  const { checkpoint, problem } = openCheckpoint(checkpointNote, verifierKey);
  if (!checkpoint) return { ok: false, problem };
  const acc = new MerkleAccumulator();
  if (checkpoint.treeSize > 0) {
    for await (const e of events) {
      checkShape(e, acc.size);
      acc.appendHex(eventLeafHashHex(e));
      if (acc.size === checkpoint.treeSize) break;
    }
  }
  if (acc.size < checkpoint.treeSize) {
    return {
      ok: false,
      checkpoint,
      problem: `the ledger has ${acc.size} events, fewer than the checkpoint's tree size ${checkpoint.treeSize}`,
    };
  }
  const ledgerRootHash = acc.root().toString('hex');
  if (ledgerRootHash !== checkpoint.rootHash) {
    return {
      ok: false,
      checkpoint,
      ledgerRootHash,
      problem: `the ledger's first ${checkpoint.treeSize} events have root ${ledgerRootHash}, the checkpoint says ${checkpoint.rootHash}`,
    };
  }
  return { ok: true, checkpoint, ledgerRootHash };
}

/**
 * Does a newer checkpoint extend an older one? Both notes must be signed by `verifierKey` and the
 * RFC 9162 consistency proof (hex, as /audit/proofs/consistency answers) must hold between them.
 */
export function verifyCheckpointExtension(
  oldNote: string,
  newNote: string,
  proofHex: readonly string[],
  verifierKey: string,
): CheckpointVerification {
  const older = openCheckpoint(oldNote, verifierKey);
  if (!older.checkpoint) return { ok: false, problem: `old ${older.problem}` };
  const newer = openCheckpoint(newNote, verifierKey);
  if (!newer.checkpoint) return { ok: false, checkpoint: older.checkpoint, problem: `new ${newer.problem}` };
  if (older.checkpoint.origin !== newer.checkpoint.origin)
    return { ok: false, checkpoint: older.checkpoint, problem: 'the checkpoints are of different origins' };
  if (!proofHex.every((p) => HEX64.test(p)))
    return { ok: false, checkpoint: older.checkpoint, problem: 'proof hashes must be 64 lowercase hex digits' };
  const ok = verifyConsistency(
    older.checkpoint.treeSize,
    newer.checkpoint.treeSize,
    Buffer.from(older.checkpoint.rootHash, 'hex'),
    Buffer.from(newer.checkpoint.rootHash, 'hex'),
    proofHex.map((p) => Buffer.from(p, 'hex')),
  );
  return ok
    ? { ok, checkpoint: older.checkpoint }
    : {
        ok,
        checkpoint: older.checkpoint,
        problem: `no consistency between tree sizes ${older.checkpoint.treeSize} and ${newer.checkpoint.treeSize}`,
      };
}

// ---------------------------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------------------------

/** The fields of a report this check reads; the signature covers every field but `signature`. */
export interface SignedReport {
  treeSize: number;
  eventCount?: number;
  ledgerDigest: string;
  checkpoint: string;
  signature: string;
  [field: string]: unknown;
}

export interface ReportVerification {
  ok: boolean;
  signatureOk: boolean;
  checkpointOk: boolean;
  checkpoint?: Checkpoint;
  /** Every problem found (empty when ok). */
  problems: string[];
}

/**
 * Checks a saved report (api.md "Reports"): the Ed25519 signature (base64) over the canonical JSON
 * of the report without `signature`, by the checkpoint key; the report's checkpoint note is signed
 * by the same key; its tree size equals treeSize (and eventCount) and its root equals ledgerDigest.
 * The report's JSON may carry fractions (ratios): they are written as RFC 8785 writes numbers.
 */
export function verifyReportSignature(report: SignedReport, verifierKey: string): ReportVerification {
  const problems: string[] = [];
  let v: NoteVerifier;
  try {
    v = parseVerifierKey(verifierKey);
  } catch (e) {
    return { ok: false, signatureOk: false, checkpointOk: false, problems: [(e as Error).message] };
  }
  const { signature, ...unsigned } = report;
  let signatureOk = false;
  const sig = typeof signature === 'string' ? decodeBase64Strict(signature) : undefined;
  if (!sig || sig.length !== 64) {
    problems.push('signature: must be the base64 of a 64-byte Ed25519 signature');
  } else {
    try {
      signatureOk = v.verify(Buffer.from(canonicalJson(unsigned, { allowFractions: true }), 'utf8'), sig);
      if (!signatureOk) problems.push('signature: does not verify over the canonical JSON of the report');
    } catch (e) {
      problems.push(`signature: the report cannot be canonicalized (${(e as Error).message})`);
    }
  }
  let checkpointOk = false;
  let checkpoint: Checkpoint | undefined;
  if (typeof report.checkpoint !== 'string') {
    problems.push('checkpoint: missing');
  } else {
    const opened = openCheckpoint(report.checkpoint, v);
    checkpoint = opened.checkpoint;
    if (!checkpoint) {
      problems.push(opened.problem ?? 'checkpoint: cannot be read');
    } else {
      checkpointOk = true;
      if (checkpoint.treeSize !== report.treeSize) {
        checkpointOk = false;
        problems.push(`checkpoint: tree size ${checkpoint.treeSize} but the report says treeSize ${report.treeSize}`);
      }
      if (report.eventCount !== undefined && report.eventCount !== report.treeSize) {
        checkpointOk = false;
        problems.push(`report: eventCount ${report.eventCount} differs from treeSize ${report.treeSize}`);
      }
      if (checkpoint.rootHash !== report.ledgerDigest) {
        checkpointOk = false;
        problems.push(`checkpoint: root ${checkpoint.rootHash} but the report says ledgerDigest ${report.ledgerDigest}`);
      }
    }
  }
  const result: ReportVerification = { ok: signatureOk && checkpointOk, signatureOk, checkpointOk, problems };
  if (checkpoint) result.checkpoint = checkpoint;
  return result;
}
