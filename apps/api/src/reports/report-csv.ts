import type { OversightReport } from '@app/ledger';
import { claimTypes, LABELS } from './report-format';

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF; quotes doubled. */
function field(value: string | number | null): string {
  const s = value === null ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const line = (...values: Array<string | number | null>) => values.map(field).join(',');

/**
 * The report as CSV (RFC 4180, CRLF line ends, UTF-8): the metadata (cut-off, position, tree size,
 * digest, checkpoint, signature) as label/value lines, then sections separated by an empty line:
 * coverage of the region and each child, funding of the region and each child, funding by source,
 * allocations, claims of the region and each child. Column labels in Indonesian and English; numbers
 * plain (machine-readable), amounts in whole rupiah. A function of the report alone: the same report
 * always gives the same bytes.
 */
export function reportCsv(r: OversightReport): string {
  const rows: string[] = [
    line(LABELS.title),
    line(LABELS.region, r.regionCode, r.regionName),
    line(LABELS.asOf, r.asOf),
    line(LABELS.period, r.period),
    line(LABELS.fiscalYear, r.fiscalYear),
    line(LABELS.position, r.position),
    line(LABELS.eventCount, r.eventCount),
    line(LABELS.treeSize, r.treeSize),
    line(LABELS.ledgerDigest, r.ledgerDigest),
    line(LABELS.checkpoint, r.checkpoint),
    line(LABELS.signature, r.signature),
    '',
    line(LABELS.coverage),
    line(
      LABELS.regionCode,
      LABELS.regionName,
      'Periode / Period',
      LABELS.enrolled,
      LABELS.covered,
      LABELS.male,
      LABELS.female,
      `${LABELS.contributions} (Rp)`,
      LABELS.informalWorkforce,
      LABELS.coverageRatio,
    ),
  ];
  for (const c of [r.coverage, ...r.coverage.children]) {
    rows.push(
      line(
        c.regionCode,
        c.regionName,
        c.period,
        c.enrolledWorkers,
        c.coveredWorkers,
        c.bySex.M ?? 0,
        c.bySex.F ?? 0,
        c.contributionAmount,
        c.informalWorkforce?.informalWorkers ?? null,
        c.coverageRatio,
      ),
    );
  }
  rows.push('', line(LABELS.funding));
  rows.push(
    line(
      LABELS.regionCode,
      LABELS.regionName,
      'Tahun anggaran / Fiscal year',
      `${LABELS.allocated} (Rp)`,
      `${LABELS.disbursed} (Rp)`,
      `${LABELS.refunded} (Rp)`,
      `${LABELS.remaining} (Rp)`,
      LABELS.workerMonths,
      LABELS.doubleFunding,
    ),
  );
  for (const f of [r.funding, ...r.funding.children]) {
    rows.push(
      line(
        f.regionCode,
        f.regionName,
        f.fiscalYear,
        f.allocated,
        f.disbursed,
        f.refunded,
        f.remaining,
        f.workerMonths,
        f.doubleFundingRefused,
      ),
    );
  }
  rows.push('', line(LABELS.fundingBySource));
  rows.push(line(LABELS.fundingSource, `${LABELS.allocated} (Rp)`, `${LABELS.disbursed} (Rp)`));
  for (const s of r.funding.bySource) rows.push(line(s.fundingSource, s.allocated, s.disbursed));
  rows.push('', line(LABELS.allocations));
  rows.push(
    line(
      'ID alokasi / Allocation id',
      LABELS.regionCode,
      LABELS.fundingSource,
      LABELS.program,
      LABELS.allocatedOn,
      `${LABELS.allocated} (Rp)`,
      `${LABELS.disbursed} (Rp)`,
      `${LABELS.refunded} (Rp)`,
      `${LABELS.remaining} (Rp)`,
      LABELS.workerMonths,
    ),
  );
  for (const a of r.funding.allocations) {
    rows.push(
      line(
        a.allocationId,
        a.regionCode,
        a.fundingSource,
        a.programName,
        a.allocatedOn,
        a.amount,
        a.disbursed,
        a.refunded ?? 0,
        a.remaining,
        a.workerMonths,
      ),
    );
  }
  const types = claimTypes(r);
  rows.push('', line(`${LABELS.claims} (${LABELS.incidents} ${r.claims.incidentFrom} – ${r.claims.incidentTo})`));
  rows.push(
    line(
      LABELS.regionCode,
      LABELS.regionName,
      LABELS.claimsCount,
      `${LABELS.settledAmount} (Rp)`,
      ...types.flatMap((t) => [`${t} ${LABELS.claimsCount}`, `${t} ${LABELS.settledAmount} (Rp)`]),
    ),
  );
  for (const c of [r.claims, ...r.claims.children]) {
    rows.push(
      line(
        c.regionCode,
        c.regionName,
        c.totals.count,
        c.totals.settledAmount,
        ...types.flatMap((t) => [c.totals.byType[t]?.count ?? 0, c.totals.byType[t]?.settledAmount ?? 0]),
      ),
    );
  }
  return rows.join('\r\n') + '\r\n';
}
