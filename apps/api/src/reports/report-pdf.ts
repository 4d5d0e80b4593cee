import PDFDocument from 'pdfkit';
import type { OversightReport } from '@app/ledger';
import { claimTypes, LABELS, percent, rupiah, thousands } from './report-format';

type Align = 'left' | 'right';
interface Column {
  label: string;
  width: number;
  align?: Align;
}

const MARGIN = 40;
const ROW = 15;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const MONO = 'Courier';

/**
 * The report as a PDF a parliament staffer can read (A4, standard Helvetica, no downloads): the title,
 * the region and the cut-off in the region's time zone, tables of coverage (the region and each child),
 * funding (per child region and per source, and the allocations), claims, then the ledger digest, the
 * signed checkpoint and the report signature with how to verify them; page numbers on every page.
 * Labels in Indonesian with English; amounts as `Rp 1.234.567`.
 */
export function reportPdf(r: OversightReport): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN + 10, left: MARGIN, right: MARGIN },
    bufferPages: true,
    info: {
      Title: `${LABELS.title}: ${r.regionName} (${r.regionCode})`,
      Author: 'jaminan-ledger',
      Subject: `asOf ${r.asOf}`,
      CreationDate: new Date(Date.parse(r.asOf)),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;

  doc.font(BOLD).fontSize(18).text(LABELS.title);
  doc.font(FONT).fontSize(9).fillColor('#444').text(LABELS.subtitle).fillColor('black').moveDown(0.6);
  keyValues(doc, [
    [LABELS.region, `${r.regionName} (${r.regionCode})`],
    [LABELS.asOf, cutOff(r)],
    [LABELS.period, r.period],
    [LABELS.fiscalYear, String(r.fiscalYear)],
    [LABELS.eventCount, `${thousands(r.eventCount)} (${LABELS.position}: ${r.position ?? '–'})`],
  ]);

  heading(doc, `${LABELS.coverage} — ${r.period}`);
  const coverageRows = [r.coverage, ...r.coverage.children].map((c) => [
    c.regionName,
    thousands(c.enrolledWorkers),
    thousands(c.coveredWorkers),
    thousands(c.bySex.M ?? 0),
    thousands(c.bySex.F ?? 0),
    rupiah(c.contributionAmount),
    c.informalWorkforce ? thousands(c.informalWorkforce.informalWorkers) : '–',
    percent(c.coverageRatio),
  ]);
  table(
    doc,
    scale(width, [
      { label: LABELS.regionName, width: 110 },
      { label: LABELS.enrolled, width: 55, align: 'right' },
      { label: LABELS.covered, width: 55, align: 'right' },
      { label: LABELS.male, width: 50, align: 'right' },
      { label: LABELS.female, width: 55, align: 'right' },
      { label: LABELS.contributions, width: 80, align: 'right' },
      { label: LABELS.informalWorkforce, width: 65, align: 'right' },
      { label: LABELS.coverageRatio, width: 55, align: 'right' },
    ]),
    coverageRows,
  );

  heading(doc, `${LABELS.funding} — ${r.fiscalYear}`);
  const fundingRows = [r.funding, ...r.funding.children].map((f) => [
    f.regionName,
    rupiah(f.allocated),
    rupiah(f.disbursed),
    rupiah(f.refunded),
    rupiah(f.remaining),
    thousands(f.workerMonths),
  ]);
  table(
    doc,
    scale(width, [
      { label: LABELS.regionName, width: 110 },
      { label: LABELS.allocated, width: 85, align: 'right' },
      { label: LABELS.disbursed, width: 85, align: 'right' },
      { label: LABELS.refunded, width: 70, align: 'right' },
      { label: LABELS.remaining, width: 85, align: 'right' },
      { label: LABELS.workerMonths, width: 60, align: 'right' },
    ]),
    fundingRows,
  );

  heading(doc, LABELS.fundingBySource);
  table(
    doc,
    scale(width, [
      { label: LABELS.fundingSource, width: 160 },
      { label: LABELS.allocated, width: 120, align: 'right' },
      { label: LABELS.disbursed, width: 120, align: 'right' },
    ]),
    r.funding.bySource.length > 0
      ? r.funding.bySource.map((s) => [s.fundingSource, rupiah(s.allocated), rupiah(s.disbursed)])
      : [['–', rupiah(0), rupiah(0)]],
    false,
  );

  if (r.funding.allocations.length > 0) {
    heading(doc, LABELS.allocations);
    table(
      doc,
      scale(width, [
        { label: LABELS.program, width: 150 },
        { label: LABELS.regionCode, width: 60 },
        { label: LABELS.fundingSource, width: 90 },
        { label: LABELS.allocated, width: 80, align: 'right' },
        { label: LABELS.disbursed, width: 80, align: 'right' },
      ]),
      r.funding.allocations.map((a) => [a.programName, a.regionCode, a.fundingSource, rupiah(a.amount), rupiah(a.disbursed)]),
      false,
    );
  }

  const types = claimTypes(r);
  heading(doc, `${LABELS.claims} — ${LABELS.incidents} ${r.claims.incidentFrom} – ${r.claims.incidentTo}`);
  table(
    doc,
    scale(width, [
      { label: LABELS.regionName, width: 120 },
      { label: LABELS.claimsCount, width: 55, align: 'right' },
      { label: LABELS.settledAmount, width: 85, align: 'right' },
      ...types.flatMap((t): Column[] => [
        { label: `${t}: ${LABELS.claimsCount}`, width: 50, align: 'right' },
        { label: `${t}: ${LABELS.settledAmount}`, width: 75, align: 'right' },
      ]),
    ]),
    [r.claims, ...r.claims.children].map((c) => [
      c.regionName,
      thousands(c.totals.count),
      rupiah(c.totals.settledAmount),
      ...types.flatMap((t) => [thousands(c.totals.byType[t]?.count ?? 0), rupiah(c.totals.byType[t]?.settledAmount ?? 0)]),
    ]),
  );

  heading(doc, 'Bukti integritas / Integrity proof');
  doc
    .font(FONT)
    .fontSize(8.5)
    .text(
      'Angka di atas dihitung ulang dari buku besar sampai posisi tersebut. Ringkasan buku besar adalah akar pohon Merkle RFC 9162 atas ' +
        'peristiwa-peristiwa itu; checkpoint ditandatangani (Ed25519, C2SP signed note). / The figures above are recomputed from the ledger ' +
        'up to that position. The ledger digest is the RFC 9162 Merkle root over those events; the checkpoint is signed (Ed25519, C2SP signed note). ' +
        'Verify: npm run cli -- verify-report report.json --key <verifier key> [--ledger export.ndjson]',
      { width },
    );
  doc.moveDown(0.4);
  label(doc, `${LABELS.treeSize}: ${thousands(r.treeSize)}`);
  label(doc, LABELS.ledgerDigest);
  doc.font(MONO).fontSize(8).text(r.ledgerDigest, { width });
  doc.moveDown(0.3);
  label(doc, LABELS.checkpoint);
  doc.font(MONO).fontSize(8).text(r.checkpoint.replace(/\n+$/, ''), { width });
  doc.moveDown(0.3);
  label(doc, LABELS.signature);
  doc.font(MONO).fontSize(8).text(r.signature, { width });

  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font(FONT)
      .fontSize(8)
      .fillColor('#444')
      .text(
        `${LABELS.page} ${i + 1} ${LABELS.of} ${range.count}   ·   ${r.regionName} (${r.regionCode}), ${cutOff(r)}`,
        MARGIN,
        doc.page.height - MARGIN + 5,
        { width, align: 'center', lineBreak: false },
      )
      .fillColor('black');
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}

/** The cut-off in the region's own clock: `31-12-2025 23:59:59 WITA (UTC+08:00)`. */
function cutOff(r: OversightReport): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?([+-]\d{2}:\d{2})$/.exec(r.asOf);
  if (!m) return r.asOf;
  const zone = { '+07:00': 'WIB', '+08:00': 'WITA', '+09:00': 'WIT' }[m[5]] ?? '';
  return `${m[3]}-${m[2]}-${m[1]} ${m[4]} ${zone} (UTC${m[5]})`;
}

function heading(doc: PDFKit.PDFDocument, text: string): void {
  if (doc.y > doc.page.height - MARGIN - 80) doc.addPage();
  doc.moveDown(0.8).font(BOLD).fontSize(12).text(text, MARGIN).moveDown(0.2);
}

function label(doc: PDFKit.PDFDocument, text: string): void {
  doc.font(BOLD).fontSize(8.5).text(text);
}

function keyValues(doc: PDFKit.PDFDocument, pairs: Array<[string, string]>): void {
  for (const [k, v] of pairs) {
    const y = doc.y;
    doc.font(BOLD).fontSize(9.5).text(k, MARGIN, y, { width: 200 });
    doc
      .font(FONT)
      .fontSize(9.5)
      .text(v, MARGIN + 205, y, { width: doc.page.width - 2 * MARGIN - 205 });
    doc.x = MARGIN;
  }
}

/** Columns widened or narrowed to fill the page width. */
function scale(width: number, columns: Column[]): Column[] {
  const total = columns.reduce((s, c) => s + c.width, 0);
  return columns.map((c) => ({ ...c, width: (c.width * width) / total }));
}

function table(doc: PDFKit.PDFDocument, columns: Column[], rows: string[][], boldFirst = true): void {
  const headerHeight = (): number => {
    doc.font(BOLD).fontSize(7);
    return Math.max(...columns.map((c) => doc.heightOfString(c.label, { width: c.width - 6 }))) + 6;
  };
  const drawHeader = (): void => {
    const h = headerHeight();
    const y = doc.y;
    doc
      .rect(
        MARGIN,
        y,
        columns.reduce((s, c) => s + c.width, 0),
        h,
      )
      .fill('#e4e8ee')
      .fillColor('black');
    let x = MARGIN;
    for (const c of columns) {
      doc
        .font(BOLD)
        .fontSize(7)
        .text(c.label, x + 3, y + 3, { width: c.width - 6, align: c.align ?? 'left' });
      x += c.width;
    }
    doc.y = y + h;
  };
  if (doc.y > doc.page.height - MARGIN - 60) doc.addPage();
  drawHeader();
  rows.forEach((row, i) => {
    if (doc.y + ROW > doc.page.height - MARGIN - 10) {
      doc.addPage();
      drawHeader();
    }
    const y = doc.y;
    if (i === 0 && boldFirst) doc.font(BOLD);
    else doc.font(FONT);
    if (i % 2 === 1)
      doc
        .rect(
          MARGIN,
          y,
          columns.reduce((s, c) => s + c.width, 0),
          ROW,
        )
        .fill('#f6f7f9')
        .fillColor('black');
    let x = MARGIN;
    for (const [j, c] of columns.entries()) {
      doc.fontSize(8).text(row[j] ?? '', x + 3, y + 4, {
        width: c.width - 6,
        height: ROW - 5,
        align: c.align ?? 'left',
        lineBreak: false,
        ellipsis: true,
      });
      x += c.width;
    }
    doc.y = y + ROW;
  });
  doc.x = MARGIN;
}
