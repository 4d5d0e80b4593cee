import { childrenOf, findRegion, timeZoneOf } from '@app/domain';
import type { ReadModels } from '@app/read-models';
import { canonicalJson, NoteSigner } from '@app/verifier';
import { ClaimTotals, claimTotalsOf } from '../claims/claims.queries';
import { CoverageAnswer, coverageOf } from '../coverage/coverage.queries';
import { FundingAnswer, fundingOf } from '../funding/funding.queries';

/** Claims totals of a region and its children: the totals of the claims query over the incidents of the fiscal year. */
export interface ReportClaims {
  regionCode: string;
  regionName: string;
  incidentFrom: string;
  incidentTo: string;
  totals: ClaimTotals;
  children: Array<{ regionCode: string; regionName: string; totals: ClaimTotals }>;
}

export interface ReportFigures {
  coverage: CoverageAnswer;
  funding: FundingAnswer;
  claims: ReportClaims;
}

/** api.md "Reports": the fields in the order the JSON answer shows them. */
export interface OversightReport extends ReportFigures {
  regionCode: string;
  regionName: string;
  /** The cut-off, in the region's own offset (e.g. `2025-12-31T23:59:59.999+08:00`). */
  asOf: string;
  fiscalYear: number;
  period: string;
  /** Position of the last event included; null before the first event. */
  position: string | null;
  eventCount: number;
  treeSize: number;
  ledgerDigest: string;
  checkpoint: string;
  signature: string;
}

export type UnsignedReport = Omit<OversightReport, 'signature'>;

/**
 * Coverage (for `period`), funding (for `fiscalYear`) and claims totals (incidents in `fiscalYear`)
 * of a region and its children, computed from read models by the live queries' own functions.
 */
export async function reportFigures(models: ReadModels, regionCode: string, period: string, fiscalYear: number): Promise<ReportFigures> {
  const incidentFrom = `${fiscalYear}-01-01`;
  const incidentTo = `${fiscalYear}-12-31`;
  const filter = { from: incidentFrom, to: incidentTo };
  const [coverage, funding, totals] = await Promise.all([
    coverageOf(models, regionCode, period),
    fundingOf(models, regionCode, fiscalYear),
    claimTotalsOf(models, regionCode, filter),
  ]);
  const children: ReportClaims['children'] = [];
  for (const code of childrenOf(regionCode))
    children.push({ regionCode: code, regionName: regionNameOf(code), totals: await claimTotalsOf(models, code, filter) });
  return { coverage, funding, claims: { regionCode, regionName: regionNameOf(regionCode), incidentFrom, incidentTo, totals, children } };
}

export function regionNameOf(code: string): string {
  return findRegion(code)?.name ?? code;
}

/** An instant written in the region's own offset (WIB +07:00, WITA +08:00, WIT +09:00), with milliseconds. */
export function instantInRegion(instant: Date, regionCode: string): string {
  const offset = timeZoneOf(regionCode).utcOffset;
  const hours = Number(offset.slice(0, 3));
  return new Date(instant.getTime() + hours * 3_600_000).toISOString().replace('Z', offset);
}

/** The bytes a report signature covers: the canonical JSON (RFC 8785) of the report without `signature`, ratios allowed. */
export function reportSigningBytes(report: UnsignedReport): Buffer {
  return Buffer.from(canonicalJson(report, { allowFractions: true }), 'utf8');
}

/** Signs a report with the checkpoint key (Ed25519, base64), keeping api.md's field order. */
export function signReport(report: UnsignedReport, signer: NoteSigner): OversightReport {
  // As JSON values only (documents cloned from another realm are not plain objects to canonicalJson): what is signed is what is served.
  const plain = JSON.parse(JSON.stringify(report)) as UnsignedReport;
  return { ...plain, signature: signer.sign(reportSigningBytes(plain)).toString('base64') };
}

/** The report's JSON text: fields in api.md's order, no whitespace; the same report always gives the same bytes. */
export function reportJson(report: OversightReport): string {
  return JSON.stringify(report);
}
