import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

/** What a snapshot says about itself (a small JSON file beside its content). */
export interface SnapshotHeader {
  format: 1;
  /** Events included: the first `treeSize` events of the ledger. */
  treeSize: number;
  /** Position of the last event included. */
  position: string;
  /** recordedAt of that event: a report as of this instant or later may start here. */
  lastRecordedAt: string;
  /** RFC 9162 root of the first treeSize events when the snapshot was made (checked against the sealer before use). */
  ledgerDigest: string;
  /** The projections' names and versions that built it (another version of the code ignores it). */
  projections: Record<string, number>;
  /** SHA-256 (hex) of the content file's uncompressed bytes. */
  contentHash: string;
  createdAt: string;
}

export type SnapshotContent = Record<string, Record<string, unknown>[]>;

const NAME = /^s-(\d{15})\.json$/;
const pad = (n: number) => String(n).padStart(15, '0');

/**
 * Snapshots of the report projections' state (the in-memory read models) at regular ledger positions,
 * kept as files in DATA_DIR/report-snapshots: `s-<treeSize>.json` (the header) and
 * `s-<treeSize>.state.gz` (the documents, gzip'd JSON). Written atomically (temporary file, rename).
 * The store checks only the content hash; the ledger digest is checked by its user against the sealer.
 */
export class FileSnapshotStore {
  constructor(private readonly dir: string) {}

  /** Every header, by tree size (ascending). */
  headers(): SnapshotHeader[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const out: SnapshotHeader[] = [];
    for (const name of names.filter((n) => NAME.test(n)).sort()) {
      try {
        out.push(JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as SnapshotHeader);
      } catch {
        // A header that cannot be read is no snapshot.
      }
    }
    return out;
  }

  has(treeSize: number): boolean {
    return this.headers().some((h) => h.treeSize === treeSize);
  }

  /** The content, or undefined when missing or not the content the header describes (tampered, truncated). */
  content(header: SnapshotHeader): SnapshotContent | undefined {
    let bytes: Buffer;
    try {
      bytes = gunzipSync(readFileSync(join(this.dir, `s-${pad(header.treeSize)}.state.gz`)));
    } catch {
      return undefined;
    }
    if (createHash('sha256').update(bytes).digest('hex') !== header.contentHash) return undefined;
    return JSON.parse(bytes.toString('utf8')) as SnapshotContent;
  }

  save(header: Omit<SnapshotHeader, 'contentHash' | 'format'>, content: SnapshotContent): SnapshotHeader {
    mkdirSync(this.dir, { recursive: true });
    const bytes = Buffer.from(JSON.stringify(content), 'utf8');
    const full: SnapshotHeader = { format: 1, ...header, contentHash: createHash('sha256').update(bytes).digest('hex') };
    const base = join(this.dir, `s-${pad(header.treeSize)}`);
    const tmp = `.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(`${base}.state.gz${tmp}`, gzipSync(bytes, { level: 1 }));
    renameSync(`${base}.state.gz${tmp}`, `${base}.state.gz`);
    writeFileSync(`${base}.json${tmp}`, JSON.stringify(full));
    renameSync(`${base}.json${tmp}`, `${base}.json`);
    return full;
  }

  remove(treeSize: number): void {
    const base = join(this.dir, `s-${pad(treeSize)}`);
    rmSync(`${base}.json`, { force: true });
    rmSync(`${base}.state.gz`, { force: true });
  }
}
