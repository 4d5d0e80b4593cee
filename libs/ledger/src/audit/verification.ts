import type { EventStore, RecordedEvent, StoredEventForVerification } from '@app/event-store';
import { ExportedEvent, LedgerVerifier, MerkleAccumulator, Mismatch } from '@app/verifier';
import { LEAF_BLOCK, LeafBlock, StoredCheckpoint } from './seal-store.port';

/** An event as /audit/streams and export-ledger show it (the stored form; the API masks personal data). */
export interface AuditedEvent {
  position: string;
  streamName: string;
  revision: number;
  type: string;
  recordedAt: string;
  effectiveDate: string;
  data: unknown;
  metadata: RecordedEvent['metadata'];
}

export function auditedEvent(e: RecordedEvent, mapData: (data: unknown) => unknown = (d) => d): AuditedEvent {
  return {
    position: e.position,
    streamName: e.streamName,
    revision: e.revision,
    type: e.type,
    recordedAt: e.recordedAt,
    effectiveDate: e.effectiveDate,
    data: mapData(e.data),
    metadata: e.metadata,
  };
}

export interface LedgerVerificationResult {
  ok: boolean;
  checkedEvents: number;
  lastPosition: string | null;
  treeSize: number;
  rootHash: string;
  firstMismatch?: Mismatch;
  /** The ledger compared with the sealer's own copy of the leaves it sealed (when there is one). */
  sealed?: { treeSize: number; matches: boolean };
  /** The ledger's root at the latest signed checkpoint's tree size, compared with the checkpoint. */
  checkpoint?: { treeSize: number; rootHash: string; matches: boolean };
  verifiedAt: string;
}

/**
 * The stored ledger in order, page by page: the store's own lean reader where it has one (the
 * embedded store), else readAll pages (EventStoreDB).
 */
async function* storedPages(raw: EventStore, batchSize: number): AsyncGenerator<readonly StoredEventForVerification[]> {
  if (raw.iterateStored) {
    for (const page of raw.iterateStored({ pageSize: batchSize })) yield page;
    return;
  }
  let after: string | undefined;
  for (;;) {
    const batch = await raw.readAll({ after, maxCount: batchSize });
    if (batch.length === 0) return;
    after = batch[batch.length - 1].position;
    yield batch;
  }
}

/** What verification reads of the sealer: its leaves, and the latest checkpoint. */
export interface SealedCopy {
  treeSize(): Promise<number>;
  readLeafBlocks(fromBlock: number, maxCount: number): Promise<LeafBlock[]>;
  latestCheckpoint(): Promise<StoredCheckpoint | undefined>;
}

/**
 * Verifies the stored ledger (read from the RAW store: hashes cover the stored form): every
 * stream's hash chain and the Merkle tree (libs/verifier's LedgerVerifier), then, when a sealer has
 * sealed it, each event's leaf against the leaf the sealer recorded, and the root at the latest
 * signed checkpoint against that checkpoint. A chain mismatch names the event as the verifier
 * classifies it; a ledger that chains but differs from what was sealed names the first differing
 * leaf: `changed` (same position, other content), `missing` (a sealed position is gone),
 * `inserted` (a position that was never sealed).
 */
export async function verifyStoredLedger(
  raw: EventStore,
  sealed?: SealedCopy,
  options: { batchSize?: number; onProgress?: (checked: number) => void; now?: () => Date } = {},
): Promise<LedgerVerificationResult> {
  const batchSize = options.batchSize ?? 10_000;
  const sealedSize = sealed ? await sealed.treeSize() : 0;
  const checkpoint = sealed ? await sealed.latestCheckpoint() : undefined;
  const prefix = checkpoint ? new MerkleAccumulator() : undefined;
  let current: StoredEventForVerification | undefined;
  let sealMismatch: Mismatch | undefined;
  const blocks = new Map<number, LeafBlock>();
  let checked = 0;

  const verifier = new LedgerVerifier({
    onLeaf: (index, leafHash) => {
      if (prefix && checkpoint && index < checkpoint.treeSize) prefix.append(leafHash);
      if (sealMismatch || index >= sealedSize || !current) return;
      const block = blocks.get(Math.floor(index / LEAF_BLOCK));
      const i = index % LEAF_BLOCK;
      if (!block || block.positions[i] === undefined) return;
      const sealedPosition = block.positions[i];
      const same = block.hashes.subarray(i * 32, i * 32 + 32).equals(leafHash);
      if (same) return;
      const e = current;
      if (sealedPosition === e.position) {
        sealMismatch = {
          position: e.position,
          streamName: e.streamName,
          revision: e.revision,
          problem: 'changed',
          detail: `the event differs from the one sealed at leaf ${index} (its leaf hash changed)`,
        };
      } else if (sealedPosition < e.position) {
        sealMismatch = {
          position: sealedPosition,
          streamName: e.streamName,
          revision: e.revision,
          problem: 'missing',
          detail: `the event sealed at position ${sealedPosition} (leaf ${index}) is no longer in the ledger; the next one is ${e.streamName} revision ${e.revision} at ${e.position}`,
        };
      } else {
        sealMismatch = {
          position: e.position,
          streamName: e.streamName,
          revision: e.revision,
          problem: 'inserted',
          detail: `position ${e.position} was never sealed: leaf ${index} was position ${sealedPosition}`,
        };
      }
    },
  });

  for await (const batch of storedPages(raw, batchSize)) {
    for (const e of batch) {
      if (sealed && !sealMismatch) {
        const index = checked;
        const b = Math.floor(index / LEAF_BLOCK);
        if (index < sealedSize && !blocks.has(b)) {
          blocks.clear();
          for (const lb of await sealed.readLeafBlocks(b, 64)) blocks.set(lb.block, lb);
        }
      }
      current = e;
      verifier.add(e as unknown as ExportedEvent);
      checked++;
    }
    options.onProgress?.(checked);
  }

  const result = verifier.result();
  const out: LedgerVerificationResult = {
    ok: result.ok,
    checkedEvents: result.checkedEvents,
    lastPosition: result.lastPosition,
    treeSize: result.treeSize,
    rootHash: result.rootHash,
    verifiedAt: (options.now ?? (() => new Date()))().toISOString(),
  };
  if (result.firstMismatch) out.firstMismatch = result.firstMismatch;
  if (sealed && sealedSize > 0) {
    if (!sealMismatch && checked < sealedSize) {
      const [block] = await sealed.readLeafBlocks(Math.floor(checked / LEAF_BLOCK), 1);
      const missingAt = block?.positions[checked % LEAF_BLOCK] ?? '';
      sealMismatch = {
        position: missingAt,
        streamName: '',
        revision: -1,
        problem: 'missing',
        detail: `the ledger has ${checked} events but ${sealedSize} were sealed`,
      };
    }
    out.sealed = { treeSize: sealedSize, matches: !sealMismatch };
    if (!out.firstMismatch && sealMismatch) out.firstMismatch = sealMismatch;
  }
  if (checkpoint && prefix) {
    const complete = prefix.size === checkpoint.treeSize;
    const rootHash = complete ? prefix.root().toString('hex') : '';
    out.checkpoint = { treeSize: checkpoint.treeSize, rootHash, matches: complete && rootHash === checkpoint.rootHash };
  }
  out.ok = !out.firstMismatch && (out.checkpoint?.matches ?? true);
  return out;
}
