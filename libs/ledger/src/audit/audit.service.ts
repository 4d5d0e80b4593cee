import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { COUNTRY, InvalidInput, NotFound } from '@app/domain';
import { EVENT_STORE, EventStore, RecordedEvent } from '@app/event-store';
import { canAccessRegion } from '../access/region-scope';
import type { Caller } from '../command-seam/command-context';
import { LEDGER_CONFIG, LedgerConfig } from '../config';
import { parseAsOf } from './as-of';
import { maskPersonal } from './masking';
import { RAW_EVENT_STORE, SealerService } from './sealer.service';
import { AuditedEvent, auditedEvent, LedgerVerificationResult, verifyStoredLedger } from './verification';

type Reader = Pick<Caller, 'userId' | 'regions'>;

export interface HistoryItem {
  position: string;
  recordedAt: string;
  effectiveDate: string;
  type: string;
  /** The amount the event moves or sets (a revision: the new total); null for events without one. */
  amount: number | null;
  /** The allocation's total after the event. */
  allocated: number;
  /** Net disbursed after the event (disbursements less releases and refunds). */
  disbursed: number;
  /** allocated − disbursed after the event. */
  balance: number;
  actor: { userId: string; role: string };
}

export interface AllocationHistory {
  allocationId: string;
  regionCode: string;
  fundingSource: string;
  fiscalYear: number;
  asOf: string | null;
  items: HistoryItem[];
}

/** The regions a stream's events name (region, previous region of a move). */
function regionsOf(events: readonly RecordedEvent[]): Set<string> {
  const out = new Set<string>();
  for (const e of events) {
    const d = e.data as Record<string, unknown>;
    for (const k of ['regionCode', 'previousRegionCode']) if (typeof d?.[k] === 'string') out.add(d[k] as string);
  }
  return out;
}

function visibleTo(caller: Reader, events: readonly RecordedEvent[]): boolean {
  const regions = regionsOf(events);
  if (regions.size === 0) return caller.regions.includes(COUNTRY);
  return [...regions].some((r) => canAccessRegion(caller, r));
}

/**
 * The audit side of the application: a stream's stored events (personal data masked), an
 * allocation's funding history, and verification of the stored ledger against its hash chains, the
 * sealer's leaves and the latest signed checkpoint.
 *
 * Region scope: a stream is visible to a caller whose regions contain a region its events name (a
 * worker who moved is visible in both regions); a stream naming no region (command records) only to
 * callers of the whole country. Anything else answers exactly like an unknown stream (404).
 */
@Injectable()
export class AuditService implements OnApplicationBootstrap {
  private last?: LedgerVerificationResult;
  private running?: Promise<LedgerVerificationResult>;
  private readonly logger = new Logger('Audit');

  constructor(
    @Inject(RAW_EVENT_STORE) private readonly raw: EventStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly sealing: SealerService,
  ) {}

  /** The process that seals also verifies the ledger once at start-up, in the background, so /health can tell. */
  onApplicationBootstrap(): void {
    if (!this.config.runProjector) return;
    const timer = setTimeout(() => {
      this.verify().catch((error: Error) => this.logger.error(`start-up verification failed to run: ${error.message}`));
    }, 1000);
    timer.unref();
  }

  async stream(streamName: string, caller: Reader): Promise<{ streamName: string; items: AuditedEvent[] }> {
    const events = await this.raw.readStream(streamName);
    if (events.length === 0 || !visibleTo(caller, events)) throw new NotFound(`stream ${streamName} is not in the ledger`);
    return { streamName, items: events.map((e) => auditedEvent(e, maskPersonal)) };
  }

  async allocationHistory(allocationId: string, asOf: string | undefined, caller: Reader): Promise<AllocationHistory> {
    const all = await this.events.readStream(`allocation-${allocationId}`);
    const first = all[0];
    const ref = first?.data as { regionCode?: string; fundingSource?: string; fiscalYear?: number } | undefined;
    if (!first || typeof ref?.regionCode !== 'string' || !canAccessRegion(caller, ref.regionCode)) {
      throw new NotFound(`allocation ${allocationId} is not in the ledger`);
    }
    let until: Date | undefined;
    if (asOf !== undefined) {
      until = parseAsOf(asOf, ref.regionCode);
      if (!until)
        throw new InvalidInput([
          { field: 'asOf', message: 'must be a date (YYYY-MM-DD, the end of that day in the region) or an ISO 8601 timestamp with offset' },
        ]);
    }
    const cutoff = until?.toISOString();
    let allocated = 0;
    let disbursed = 0;
    const items: HistoryItem[] = [];
    for (const e of all) {
      if (cutoff !== undefined && e.recordedAt > cutoff) break;
      const d = e.data as Record<string, unknown>;
      const amount = typeof d.amount === 'number' ? d.amount : null;
      if (amount !== null) {
        if (e.type === 'FundingAllocated' || e.type === 'FundingRevised') allocated = amount;
        else if (e.type === 'FundsDisbursed') disbursed += amount;
        else if (e.type === 'FundsReleased' || /Refund/.test(e.type)) disbursed -= amount;
      }
      items.push({
        position: e.position,
        recordedAt: e.recordedAt,
        effectiveDate: e.effectiveDate,
        type: e.type,
        amount,
        allocated,
        disbursed,
        balance: allocated - disbursed,
        actor: { userId: e.metadata.userId, role: e.metadata.role },
      });
    }
    return {
      allocationId,
      regionCode: ref.regionCode,
      fundingSource: String(ref.fundingSource),
      fiscalYear: Number(ref.fiscalYear),
      asOf: until ? until.toISOString() : null,
      items,
    };
  }

  /** Recomputes every hash chain and the tree over the stored ledger; one verification at a time (callers share it). */
  verify(): Promise<LedgerVerificationResult> {
    this.running ??= (async () => {
      try {
        const sealer = this.sealing.sealer;
        const result = await verifyStoredLedger(this.raw, {
          treeSize: () => sealer.treeSize(),
          readLeafBlocks: (from, max) => sealer.readLeafBlocks(from, max),
          latestCheckpoint: () => sealer.latestCheckpoint(),
        });
        this.last = result;
        if (!result.ok) this.logger.error(`ledger verification FAILED: ${JSON.stringify(result.firstMismatch ?? result.checkpoint)}`);
        return result;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** The last verification's result, if one ran in this process. */
  lastVerification(): LedgerVerificationResult | undefined {
    return this.last;
  }
}
