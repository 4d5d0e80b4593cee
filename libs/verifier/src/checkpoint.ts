/**
 * C2SP tlog-checkpoint note text (https://c2sp.org/tlog-checkpoint):
 *
 *   <origin>\n
 *   <tree size, ASCII decimal, no leading zeros>\n
 *   <root hash, standard base64 of the 32 bytes>\n
 *   [extension lines, each non-empty, each ending in \n]
 *
 * The API shows hashes in lowercase hex; only the checkpoint text carries the root in base64.
 */
import { decodeBase64Strict } from './note';

export interface Checkpoint {
  /** Unique name of the log, e.g. "jaminan-ledger.example/ledger". */
  origin: string;
  treeSize: number;
  /** Root hash of the tree of treeSize leaves, lowercase hex. */
  rootHash: string;
  /** Optional extension lines (not recommended; this ledger writes none). */
  extensions?: string[];
}

/** The checkpoint's note text (what gets signed). */
export function formatCheckpoint(cp: Checkpoint): string {
  if (cp.origin.length === 0 || cp.origin.includes('\n')) throw new Error('checkpoint: origin must be one non-empty line');
  if (!Number.isSafeInteger(cp.treeSize) || cp.treeSize < 0)
    throw new Error(`checkpoint: tree size must be a non-negative integer, got ${cp.treeSize}`);
  if (!/^[0-9a-f]{64}$/.test(cp.rootHash)) throw new Error('checkpoint: root hash must be 64 lowercase hex digits');
  const ext = cp.extensions ?? [];
  for (const line of ext)
    if (line.length === 0 || line.includes('\n')) throw new Error('checkpoint: extension lines must be single non-empty lines');
  return [cp.origin, String(cp.treeSize), Buffer.from(cp.rootHash, 'hex').toString('base64'), ...ext].join('\n') + '\n';
}

/** Parses a checkpoint note TEXT (not the signed note: open it with openNote first). Throws if malformed. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new Error('checkpoint: text must end in a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new Error('checkpoint: needs origin, tree size and root hash lines');
  const [origin, size, root, ...extensions] = lines;
  if (origin.length === 0) throw new Error('checkpoint: empty origin');
  if (!/^(0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(Number(size)))
    throw new Error(`checkpoint: bad tree size line ${JSON.stringify(size)}`);
  const rootBytes = decodeBase64Strict(root);
  if (!rootBytes || rootBytes.length !== 32) throw new Error('checkpoint: the root hash line must be base64 of 32 bytes');
  if (extensions.some((l) => l.length === 0)) throw new Error('checkpoint: empty extension line');
  const cp: Checkpoint = { origin, treeSize: Number(size), rootHash: rootBytes.toString('hex') };
  if (extensions.length > 0) cp.extensions = extensions;
  return cp;
}
