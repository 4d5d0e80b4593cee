import type { RecordedEvent } from '@app/event-store';
import { InMemoryReadModels } from '@app/read-models';
import { canonicalJson, ExportedEvent } from '@app/verifier';
import { LEDGER_UPCASTERS } from '../upcasters';
import { regionNameOf, reportFigures, UnsignedReport } from './oversight-report';
import { applyEvents } from './replay';

export interface ReportRecomputation {
  ok: boolean;
  /** Events read from the export (at most the report's tree size). */
  replayedEvents: number;
  /** What differs, one line each (`coverage.children[2].coveredWorkers: report 12, ledger 11`), at most 50. */
  differences: string[];
}

const MAX_DIFFERENCES = 50;

/**
 * Recomputes a report's figures from a ledger export (export-ledger's NDJSON, in ledger order): the
 * first `treeSize` events, upcast as the service reads them, replayed through the same projections
 * into in-memory read models and computed by the same functions as the service. The recomputed
 * report (the report's own cut-off, digest and checkpoint, everything else from the export) must
 * equal the report without its signature, byte for byte in canonical JSON.
 */
export async function recomputeReport(events: AsyncIterable<ExportedEvent>, report: Record<string, unknown>): Promise<ReportRecomputation> {
  const treeSize = Number(report.treeSize);
  const regionCode = String(report.regionCode);
  const period = String(report.period);
  const fiscalYear = Number(report.fiscalYear);
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) return { ok: false, replayedEvents: 0, differences: ['treeSize: not a tree size'] };
  const models = new InMemoryReadModels();
  let batch: RecordedEvent[] = [];
  let count = 0;
  let position: string | null = null;
  for await (const e of events) {
    if (count >= treeSize) break;
    batch.push(
      LEDGER_UPCASTERS.upcast({
        id: '',
        ...e,
        data: e.data as Record<string, unknown>,
        metadata: e.metadata as unknown as RecordedEvent['metadata'],
      }),
    );
    count++;
    position = e.position;
    if (batch.length === 5000) {
      await applyEvents(models, batch);
      batch = [];
    }
  }
  await applyEvents(models, batch);
  const figures = await reportFigures(models, regionCode, period, fiscalYear);
  const rebuilt: UnsignedReport = {
    regionCode,
    regionName: regionNameOf(regionCode),
    asOf: String(report.asOf),
    fiscalYear,
    period,
    position,
    eventCount: count,
    treeSize: count,
    ledgerDigest: String(report.ledgerDigest),
    checkpoint: String(report.checkpoint),
    ...figures,
  };
  const { signature: _signature, ...unsigned } = report;
  const differences: string[] = [];
  if (count < treeSize) differences.push(`treeSize: report ${treeSize}, but the export has only ${count} events`);
  const recomputed = JSON.parse(JSON.stringify(rebuilt)) as unknown;
  if (canonicalJson(recomputed, { allowFractions: true }) !== canonicalJson(unsigned, { allowFractions: true }))
    diff(unsigned, recomputed, '', differences);
  return { ok: differences.length === 0, replayedEvents: count, differences };
}

function show(v: unknown): string {
  const s = v === undefined ? '(absent)' : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Where two JSON values differ, path by path. */
function diff(reported: unknown, recomputed: unknown, path: string, out: string[]): void {
  if (out.length >= MAX_DIFFERENCES) return;
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';
  if (isObject(reported) && isObject(recomputed) && Array.isArray(reported) === Array.isArray(recomputed)) {
    const keys = [...new Set([...Object.keys(reported), ...Object.keys(recomputed)])].sort();
    for (const k of keys) diff(reported[k], recomputed[k], Array.isArray(reported) ? `${path}[${k}]` : path ? `${path}.${k}` : k, out);
    return;
  }
  if (JSON.stringify(reported) !== JSON.stringify(recomputed))
    out.push(`${path || '(report)'}: report ${show(reported)}, ledger ${show(recomputed)}`);
}
