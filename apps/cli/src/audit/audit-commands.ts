import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { EventStore } from '@app/event-store';
import {
  auditedEvent,
  LedgerConfig,
  LedgerVerificationResult,
  loadLedgerConfig,
  loadSigningKey,
  openRawEventStore,
  openSealStore,
  recomputeReport,
  SealedCopy,
  SealStore,
  verifyStoredLedger,
} from '@app/ledger';
import {
  CheckpointVerification,
  ExportedEvent,
  generateSignerKey,
  readLedgerExport,
  SignedReport,
  verifierKeyOf,
  verifyConsistencyWithCheckpoint,
  verifyReportSignature,
} from '@app/verifier';

/** The audit commands of the CLI; each answers its exit code (0 fine, 1 a mismatch, 2 a usage error). */
export const AUDIT_USAGE = `  verify [--json]
      Recompute every event's hash chain and the ledger's Merkle tree over the stored ledger (DATA_DIR or
      EVENTSTORE_URL), compare it with what the sealer sealed and with the latest signed checkpoint.
      Exits 1 naming the stream, revision and position of the first mismatch.
  export-ledger --out FILE
      Write the ledger as NDJSON, one event per line in ledger order, as /api/v1/audit/streams shows
      events (personal data left as stored).
  verifier-key
      Print the verifier key of the checkpoint signing key (LEDGER_SIGNING_KEY, or the one in DATA_DIR).
  signing-key --name jaminan-ledger/<deployment>
      Make a new signing key for LEDGER_SIGNING_KEY (printed on stdout; its verifier key on stderr).
  verify-consistency CHECKPOINT_FILE --key VERIFIER_KEY [--ledger EXPORT]
      Check that the ledger (today's, or an export) extends a checkpoint note published earlier.
  verify-report REPORT_FILE --key VERIFIER_KEY [--ledger EXPORT]
      Check a saved report's signature and its signed checkpoint; with --ledger, also recompute the
      ledger digest at the report's tree size and the report's figures from an export.
`;

const HELP: Record<string, string> = {
  verify: `Usage: npm run cli -- verify [--json]

Recomputes every event's hash chain (api.md "Integrity") and the RFC 9162 Merkle tree over the stored
ledger of this configuration (DATA_DIR/ledger.sqlite, or EVENTSTORE_URL), then compares each leaf
with the one the sealer sealed (DATA_DIR/seal.sqlite, or MONGO_URL) and the root at the latest signed
checkpoint with that checkpoint. Prints the result; exits 1 on a mismatch, naming the stream, revision
and position and whether the event was changed, removed (missing), inserted or reordered.
  --json   print the result as JSON (as POST /api/v1/audit/verify answers)
`,
  'export-ledger': `Usage: npm run cli -- export-ledger --out FILE

Writes every event of the ledger, in ledger order, one JSON object per line (NDJSON) with position,
streamName, revision, type, recordedAt, effectiveDate, data and metadata, as /api/v1/audit/streams
shows events but with personal data left as stored. An auditor verifies it with libs/verifier
(verify-consistency / verify-report --ledger).
`,
  'verifier-key': `Usage: npm run cli -- verifier-key

Prints the verifier key (<name>+<key id>+<key>, Go sumdb/note encoding) of the key that signs the
ledger's checkpoints: LEDGER_SIGNING_KEY, else the embedded default's DATA_DIR/ledger-signing.key
(created if missing). Publish it: checkpoints and reports are verified with it.
`,
  'signing-key': `Usage: npm run cli -- signing-key --name jaminan-ledger/<deployment>

Makes a new Ed25519 signing key for LEDGER_SIGNING_KEY and prints it on stdout (keep it secret; it
must never change for a ledger); its verifier key goes to stderr. The name is the checkpoints' origin.
`,
  'verify-consistency': `Usage: npm run cli -- verify-consistency CHECKPOINT_FILE --key VERIFIER_KEY [--ledger EXPORT]

CHECKPOINT_FILE holds a signed checkpoint note published earlier (the "note" of
/api/v1/audit/checkpoints/latest). Checks its signature with VERIFIER_KEY and that the first treeSize
events of the ledger have its root: today's ledger of this configuration, or the export given with
--ledger. Exits 1 if not.
`,
  'verify-report': `Usage: npm run cli -- verify-report REPORT_FILE --key VERIFIER_KEY [--ledger EXPORT]

Checks a saved report (JSON): its Ed25519 signature over the canonical JSON of the report without
"signature", and its checkpoint (signed by the same key, tree size = treeSize = eventCount, root =
ledgerDigest). With --ledger EXPORT it also recomputes the ledger digest at treeSize from the export,
and the report's figures: the first treeSize events of the export replayed through the read models'
projections in memory and computed as the service computes them; the recomputed report must equal
the saved one (without its signature) byte for byte in canonical JSON, else every difference is
printed (path, the report's value, the ledger's). Exits 1 on any mismatch.
`,
};

export const AUDIT_COMMANDS = Object.keys(HELP);

type Out = (line: string) => void;

function parse(rest: string[], options: Record<string, { type: 'string' | 'boolean' }>) {
  return parseArgs({ args: rest, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
}

export async function runAuditCommand(command: string, rest: string[], out: Out = console.log, err: Out = console.error): Promise<number> {
  let parsed;
  try {
    parsed = parse(rest, OPTIONS[command] ?? {});
  } catch (error) {
    err(`${(error as Error).message}\n\n${HELP[command]}`);
    return 2;
  }
  const { values, positionals } = parsed as { values: Record<string, string | boolean | undefined>; positionals: string[] };
  if (values.help) {
    out(HELP[command]);
    return 0;
  }
  const need = (name: string): string | undefined => {
    const v = values[name];
    if (typeof v === 'string' && v !== '') return v;
    err(`${command} needs --${name}\n\n${HELP[command]}`);
    return undefined;
  };
  switch (command) {
    case 'verify':
      return verify(values.json === true, out, err);
    case 'export-ledger': {
      const file = need('out');
      return file ? exportLedger(file, out) : 2;
    }
    case 'verifier-key':
      out(loadSigningKey(loadLedgerConfig()).verifierKey);
      return 0;
    case 'signing-key': {
      const name = need('name');
      if (!name) return 2;
      const key = generateSignerKey(name);
      out(key);
      err(`verifier key: ${verifierKeyOf(key)}`);
      return 0;
    }
    case 'verify-consistency': {
      const key = need('key');
      if (!key) return 2;
      if (positionals.length !== 1) {
        err(`verify-consistency needs one CHECKPOINT_FILE\n\n${HELP[command]}`);
        return 2;
      }
      return verifyConsistency(positionals[0], key, values.ledger as string | undefined, out, err);
    }
    case 'verify-report': {
      const key = need('key');
      if (!key) return 2;
      if (positionals.length !== 1) {
        err(`verify-report needs one REPORT_FILE\n\n${HELP[command]}`);
        return 2;
      }
      return verifyReport(positionals[0], key, values.ledger as string | undefined, out, err);
    }
    default:
      err(`unknown audit command ${command}`);
      return 2;
  }
}

const OPTIONS: Record<string, Record<string, { type: 'string' | 'boolean' }>> = {
  verify: { json: { type: 'boolean' } },
  'export-ledger': { out: { type: 'string' } },
  'verifier-key': {},
  'signing-key': { name: { type: 'string' } },
  'verify-consistency': { key: { type: 'string' }, ledger: { type: 'string' } },
  'verify-report': { key: { type: 'string' }, ledger: { type: 'string' } },
};

/** The stored ledger of the configuration; the embedded one must exist (verification never creates a ledger). */
async function openLedger(config: LedgerConfig): Promise<EventStore> {
  if (!config.eventStoreUrl && !existsSync(join(config.dataDir, 'ledger.sqlite'))) {
    throw new Error(`there is no ledger in ${config.dataDir} (set DATA_DIR, or EVENTSTORE_URL)`);
  }
  return openRawEventStore(config);
}

async function openSealed(config: LedgerConfig): Promise<SealStore | undefined> {
  if (!config.mongoUrl && !existsSync(join(config.dataDir, 'seal.sqlite'))) return undefined;
  return openSealStore(config);
}

function sealedCopy(store: SealStore): SealedCopy {
  return {
    treeSize: async () => (await store.loadState())?.treeSize ?? 0,
    readLeafBlocks: (from, max) => store.readLeafBlocks(from, max),
    latestCheckpoint: () => store.latestCheckpoint(),
  };
}

async function* ledgerEvents(store: EventStore): AsyncGenerator<ExportedEvent> {
  let after: string | undefined;
  for (;;) {
    const batch = await store.readAll({ after, maxCount: 5000 });
    if (batch.length === 0) return;
    after = batch[batch.length - 1].position;
    for (const e of batch) yield auditedEvent(e) as unknown as ExportedEvent;
  }
}

export function describeVerification(r: LedgerVerificationResult): string[] {
  const lines = [
    `${r.ok ? 'OK' : 'MISMATCH'}: ${r.checkedEvents} events checked, last position ${r.lastPosition ?? '-'}`,
    `tree size ${r.treeSize}, root ${r.rootHash}`,
  ];
  if (r.sealed)
    lines.push(
      `sealed: ${r.sealed.treeSize} events, ${r.sealed.matches ? 'every leaf matches' : 'the ledger differs from what was sealed'}`,
    );
  if (r.checkpoint)
    lines.push(
      `latest checkpoint (tree size ${r.checkpoint.treeSize}): ${r.checkpoint.matches ? 'root matches' : `root DIFFERS (ledger ${r.checkpoint.rootHash || 'too short'})`}`,
    );
  const m = r.firstMismatch;
  if (m) lines.push(`first mismatch: stream ${m.streamName} revision ${m.revision} position ${m.position}: ${m.problem} (${m.detail})`);
  return lines;
}

async function verify(json: boolean, out: Out, err: Out): Promise<number> {
  const config = loadLedgerConfig();
  const ledger = await openLedger(config);
  const seal = await openSealed(config);
  try {
    const started = Date.now();
    const result = await verifyStoredLedger(ledger, seal && sealedCopy(seal), {
      onProgress: json ? undefined : (n) => process.stderr.write(`\rverifying: ${n} events`),
    });
    if (!json) process.stderr.write('\n');
    if (json) out(JSON.stringify(result, null, 2));
    else {
      describeVerification(result).forEach((l) => out(l));
      if (!seal) err('no seal store found: checked the hash chains and computed the tree only');
      out(`${Math.round(result.checkedEvents / Math.max((Date.now() - started) / 1000, 0.001))} events/s`);
    }
    return result.ok ? 0 : 1;
  } finally {
    await ledger.close();
    await seal?.close();
  }
}

async function exportLedger(file: string, out: Out): Promise<number> {
  const config = loadLedgerConfig();
  const ledger = await openLedger(config);
  const fd = openSync(file, 'w');
  let count = 0;
  try {
    let after: string | undefined;
    for (;;) {
      const batch = await ledger.readAll({ after, maxCount: 5000 });
      if (batch.length === 0) break;
      after = batch[batch.length - 1].position;
      writeSync(fd, batch.map((e) => JSON.stringify(auditedEvent(e))).join('\n') + '\n');
      count += batch.length;
    }
  } finally {
    closeSync(fd);
    await ledger.close();
  }
  out(`exported ${count} events to ${file}`);
  return 0;
}

function describeCheckpoint(r: CheckpointVerification, out: Out): number {
  if (r.ok) {
    out(
      `OK: the ledger extends the checkpoint ${r.checkpoint?.origin} at tree size ${r.checkpoint?.treeSize} (root ${r.checkpoint?.rootHash})`,
    );
    return 0;
  }
  out(`MISMATCH: ${r.problem}`);
  return 1;
}

async function verifyConsistency(file: string, key: string, exportFile: string | undefined, out: Out, err: Out): Promise<number> {
  const note = readFileSync(file, 'utf8');
  if (exportFile) return describeCheckpoint(await verifyConsistencyWithCheckpoint(readLedgerExport(exportFile), note, key), out);
  const config = loadLedgerConfig();
  const ledger = await openLedger(config);
  try {
    return describeCheckpoint(await verifyConsistencyWithCheckpoint(ledgerEvents(ledger), note, key), out);
  } catch (error) {
    err((error as Error).message);
    return 1;
  } finally {
    await ledger.close();
  }
}

async function verifyReport(file: string, key: string, exportFile: string | undefined, out: Out, err: Out): Promise<number> {
  let report: SignedReport;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    err(`${file} is not a JSON report: ${(error as Error).message}`);
    return 1;
  }
  const r = verifyReportSignature(report, key);
  out(`signature: ${r.signatureOk ? 'OK' : 'INVALID'}`);
  out(`checkpoint: ${r.checkpointOk ? `OK (${r.checkpoint?.origin}, tree size ${r.checkpoint?.treeSize})` : 'INVALID'}`);
  r.problems.forEach((p) => out(`  ${p}`));
  let ok = r.ok;
  if (exportFile) {
    const c = await verifyConsistencyWithCheckpoint(readLedgerExport(exportFile), report.checkpoint, key);
    out(`ledger digest from the export: ${c.ok ? `OK (${c.ledgerRootHash})` : `MISMATCH: ${c.problem}`}`);
    ok = ok && c.ok;
    try {
      const figures = await recomputeReport(readLedgerExport(exportFile), report);
      if (figures.ok) out(`figures: OK (recomputed from the first ${figures.replayedEvents} events of the export, byte for byte)`);
      else {
        out(`figures: MISMATCH (recomputed from the first ${figures.replayedEvents} events of the export):`);
        figures.differences.forEach((d) => out(`  ${d}`));
      }
      ok = ok && figures.ok;
    } catch (error) {
      out(`figures: MISMATCH (the export could not be replayed: ${(error as Error).message})`);
      ok = false;
    }
  }
  out(ok ? 'OK' : 'MISMATCH');
  return ok ? 0 : 1;
}
