import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InvalidInput, NotFound, RuleViolation } from '@app/domain';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { InMemoryReadModels } from '@app/read-models';
import { canAccessRegion } from '../access/region-scope';
import { parseAsOf } from '../audit/as-of';
import { SealerService } from '../audit/sealer.service';
import { LEDGER_SIGNING_KEY, LedgerSigningKey } from '../audit/signing';
import type { Caller } from '../command-seam/command-context';
import { todayIn } from '../clock';
import { LEDGER_CONFIG, LedgerConfig } from '../config';
import { instantInRegion, OversightReport, regionNameOf, reportFigures, signReport, UnsignedReport } from './oversight-report';
import { applyEvents, contentOf, modelsFrom, projectionVersions } from './replay';
import { FileSnapshotStore, SnapshotContent, SnapshotHeader } from './snapshots';

export interface ReportRequest {
  regionCode: string;
  /** An ISO 8601 instant with offset, or a date (the end of that day in the region's time zone); omitted = now. */
  asOf?: string;
  /** YYYY-MM; default the month of asOf in the region's time zone. */
  period?: string;
  /** Default the year of asOf in the region's time zone. */
  fiscalYear?: number;
}

/** How a report was made (logged, and shown by the bench): where its replay started and how long it took. */
export interface ReportStats {
  fromSnapshot: number | null;
  replayedEvents: number;
  millis: number;
}

/** The ledger as it stood at a cut-off: the in-memory read models and how far they go. */
export interface ReplayedLedger {
  models: InMemoryReadModels;
  /** Events included (= the tree size of the report). */
  count: number;
  position: string | null;
  fromSnapshot: number | null;
  replayedEvents: number;
}

const READ_BATCH = 5000;
const CACHED_SNAPSHOTS = 2;

/**
 * Default distance between snapshots (events), the sealer's checkpoint interval; REPORT_SNAPSHOT_EVERY
 * overrides it. A snapshot holds the aggregated report state (tens of kilobytes gzip'd), so a report
 * replays at most this many events after loading one.
 */
export const REPORT_SNAPSHOT_EVERY = 10_000;

/**
 * Point-in-time oversight reports (api.md "Reports", architecture.md "Point-in-time and proofs"): the
 * ledger up to the last event recorded at or before `asOf` is replayed into in-memory read models by
 * the live projections' own functions (never read from the live read models), starting from the
 * nearest snapshot at or before it, and the report's figures are computed by the live queries' own
 * functions. The report carries its tree size, the RFC 9162 root at that size (from the sealer), the
 * signed checkpoint of that size (signed now if none exists), and an Ed25519 signature over its
 * canonical JSON. The same request always gives the same report, whatever was recorded later.
 *
 * Snapshots: whenever a replay passes a multiple of `snapshotEvery` events, the projection state there
 * is written to DATA_DIR/report-snapshots with the ledger digest at its size and a hash of its content.
 * Before use, a snapshot's content hash is checked and its digest compared with the sealer's root at
 * its size (and its last position with the sealer's leaf there); one that fails is deleted and the next
 * older one (or the start of the ledger) is used instead.
 *
 * Assumes the ledger's recordedAt never decreases along ledger order (one clock appends).
 */
@Injectable()
export class ReportsService {
  private readonly logger = new Logger('Reports');
  readonly snapshots: FileSnapshotStore;
  /** Distance between snapshots, in events (0 = no snapshots). */
  snapshotEvery: number;
  private readonly cache = new Map<number, SnapshotContent>();
  lastStats?: ReportStats;

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
    @Inject(LEDGER_SIGNING_KEY) private readonly key: LedgerSigningKey,
    private readonly sealing: SealerService,
  ) {
    this.snapshots = new FileSnapshotStore(join(config.dataDir, 'report-snapshots'));
    const every = Number(process.env.REPORT_SNAPSHOT_EVERY ?? REPORT_SNAPSHOT_EVERY);
    this.snapshotEvery = Number.isSafeInteger(every) && every >= 0 ? every : REPORT_SNAPSHOT_EVERY;
  }

  /** The signed report; 404 for a region outside the caller's, 400 for a malformed asOf, 422 for an asOf not yet past. */
  async report(request: ReportRequest, caller: Pick<Caller, 'userId' | 'regions'>, now: Date = new Date()): Promise<OversightReport> {
    const { regionCode } = request;
    let asOf = now;
    if (request.asOf !== undefined) {
      const parsed = parseAsOf(request.asOf, regionCode);
      if (!parsed)
        throw new InvalidInput([
          {
            field: 'asOf',
            message: 'must be a real date (YYYY-MM-DD, the end of that day in the region) or an ISO 8601 timestamp with offset',
          },
        ]);
      asOf = parsed;
    }
    if (!canAccessRegion(caller, regionCode)) throw new NotFound(`region ${regionCode} is not in the Kemendagri 2025 list`);
    if (asOf.getTime() > now.getTime()) {
      throw new RuleViolation(`asOf ${request.asOf} has not passed yet in the region's time zone: a report can only be made of the past`, [
        { field: 'asOf', message: 'must not lie in the future (a date: its day must have ended in the region)' },
      ]);
    }
    // An event recorded later in this very millisecond would carry recordedAt = asOf: let it pass first.
    if (Date.now() - asOf.getTime() < 2) await new Promise((r) => setTimeout(r, 2));
    const today = todayIn(regionCode, asOf);
    const period = request.period ?? today.slice(0, 7);
    const fiscalYear = request.fiscalYear ?? Number(today.slice(0, 4));

    const started = Date.now();
    const ledger = await this.replay(asOf.toISOString());
    const figures = await reportFigures(ledger.models, regionCode, period, fiscalYear);
    const { ledgerDigest, checkpoint } = await this.sealed(ledger.count, ledger.position);
    const unsigned: UnsignedReport = {
      regionCode,
      regionName: regionNameOf(regionCode),
      asOf: instantInRegion(asOf, regionCode),
      fiscalYear,
      period,
      position: ledger.position,
      eventCount: ledger.count,
      treeSize: ledger.count,
      ledgerDigest,
      checkpoint,
      coverage: figures.coverage,
      funding: figures.funding,
      claims: figures.claims,
    };
    this.lastStats = { fromSnapshot: ledger.fromSnapshot, replayedEvents: ledger.replayedEvents, millis: Date.now() - started };
    return signReport(unsigned, this.key.signer);
  }

  /** The digest and the signed checkpoint of the first `treeSize` events, sealing up to them first if the sealer lags. */
  private async sealed(treeSize: number, position: string | null): Promise<{ ledgerDigest: string; checkpoint: string }> {
    await this.sealedUpTo(treeSize, position);
    const sealer = this.sealing.sealer;
    const ledgerDigest = (await sealer.rootAt(treeSize)).toString('hex');
    const checkpoint = await this.sealing.checkpointAt(treeSize);
    if (checkpoint.rootHash !== ledgerDigest)
      throw new Error(`the checkpoint of tree size ${treeSize} has root ${checkpoint.rootHash}, the sealed tree ${ledgerDigest}`);
    return { ledgerDigest, checkpoint: checkpoint.note };
  }

  /** Waits for (does) the sealing of the first `treeSize` events; checks the sealed leaf there is the event at `position`. */
  private async sealedUpTo(treeSize: number, position: string | null): Promise<void> {
    const sealer = this.sealing.sealer;
    while ((await sealer.treeSize()) < treeSize) {
      if ((await sealer.sealBatch()) === 0 && (await sealer.treeSize()) < treeSize)
        throw new Error(`the sealer cannot reach tree size ${treeSize}`);
    }
    if (treeSize > 0) {
      const sealedAt = await sealer.positionAt(treeSize - 1);
      if (sealedAt !== position)
        throw new Error(`the sealed leaf ${treeSize - 1} is position ${sealedAt}, the ledger's event there ${position}: run verify`);
    }
  }

  /** The ledger up to the last event recorded at or before `cutoff` (ISO UTC), from the nearest usable snapshot. */
  async replay(cutoff: string): Promise<ReplayedLedger> {
    const start = await this.startingSnapshot(cutoff);
    const models = start ? await modelsFrom(start.content, start.header.position) : new InMemoryReadModels();
    let count = start?.header.treeSize ?? 0;
    let position: string | null = start?.header.position ?? null;
    let replayedEvents = 0;
    for (;;) {
      const events = await this.events.readAll({ after: position ?? undefined, maxCount: READ_BATCH });
      if (events.length === 0) break;
      const end = events.findIndex((e) => e.recordedAt > cutoff);
      const take = end < 0 ? events : events.slice(0, end);
      let i = 0;
      while (i < take.length) {
        const chunk = this.snapshotEvery > 0 ? take.slice(i, i + this.snapshotEvery - (count % this.snapshotEvery)) : take.slice(i);
        await applyEvents(models, chunk);
        const last = chunk[chunk.length - 1];
        count += chunk.length;
        i += chunk.length;
        replayedEvents += chunk.length;
        position = last.position;
        if (this.snapshotEvery > 0 && count % this.snapshotEvery === 0) await this.snapshot(models, count, last.position, last.recordedAt);
      }
      if (end >= 0) break;
    }
    return { models, count, position, fromSnapshot: start?.header.treeSize ?? null, replayedEvents };
  }

  /** Writes a snapshot of the state after `treeSize` events unless one exists; a failure only costs speed. */
  private async snapshot(models: InMemoryReadModels, treeSize: number, position: string, lastRecordedAt: string): Promise<void> {
    try {
      if (this.snapshots.has(treeSize)) return;
      await this.sealedUpTo(treeSize, position);
      const ledgerDigest = (await this.sealing.sealer.rootAt(treeSize)).toString('hex');
      const content = await contentOf(models);
      this.snapshots.save(
        { treeSize, position, lastRecordedAt, ledgerDigest, projections: projectionVersions(), createdAt: new Date().toISOString() },
        content,
      );
      this.remember(treeSize, content);
    } catch (error) {
      this.logger.warn(`could not write the report snapshot at tree size ${treeSize}: ${(error as Error).message}`);
    }
  }

  private remember(treeSize: number, content: SnapshotContent): void {
    this.cache.delete(treeSize);
    this.cache.set(treeSize, content);
    while (this.cache.size > CACHED_SNAPSHOTS) this.cache.delete(this.cache.keys().next().value as number);
  }

  /** The newest snapshot at or before the cut-off whose content and ledger digest check out. */
  private async startingSnapshot(cutoff: string): Promise<{ header: SnapshotHeader; content: SnapshotContent } | undefined> {
    if (this.snapshotEvery <= 0) return undefined;
    const versions = JSON.stringify(projectionVersions());
    const candidates = this.snapshots
      .headers()
      .filter((h) => h.format === 1 && h.lastRecordedAt <= cutoff && JSON.stringify(h.projections) === versions)
      .sort((a, b) => b.treeSize - a.treeSize);
    for (const header of candidates) {
      const problem = await this.checkSnapshot(header);
      if (problem) {
        this.logger.warn(`report snapshot at tree size ${header.treeSize} refused and removed: ${problem}`);
        this.cache.delete(header.treeSize);
        this.snapshots.remove(header.treeSize);
        continue;
      }
      const content = this.cache.get(header.treeSize) ?? this.snapshots.content(header);
      if (!content) {
        this.logger.warn(
          `report snapshot at tree size ${header.treeSize} refused and removed: its content is missing or not what its header hashed`,
        );
        this.snapshots.remove(header.treeSize);
        continue;
      }
      this.remember(header.treeSize, content);
      return { header, content };
    }
    return undefined;
  }

  /** Why a snapshot may not be used (its digest is not the sealed tree's root at its size, or its last leaf another event), or undefined. */
  private async checkSnapshot(header: SnapshotHeader): Promise<string | undefined> {
    try {
      await this.sealedUpTo(header.treeSize, header.position);
      const root = (await this.sealing.sealer.rootAt(header.treeSize)).toString('hex');
      if (root !== header.ledgerDigest)
        return `its ledger digest ${header.ledgerDigest} is not the sealed root ${root} at tree size ${header.treeSize}`;
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }
}
