import type { OversightReport } from '@app/ledger';

/** Indonesian label first, English after: what a parliament staffer and an outside auditor both read. */
export const LABELS = {
  title: 'Laporan Pengawasan / Oversight report',
  subtitle: 'Iuran BPJS Ketenagakerjaan (JKK, JKM) pekerja rentan / BPJS Ketenagakerjaan contributions (JKK, JKM) for vulnerable workers',
  region: 'Wilayah / Region',
  asOf: 'Keadaan per / As of',
  period: 'Periode cakupan / Coverage period',
  fiscalYear: 'Tahun anggaran / Fiscal year',
  position: 'Posisi buku besar / Ledger position',
  eventCount: 'Jumlah peristiwa / Event count',
  treeSize: 'Ukuran pohon Merkle / Merkle tree size',
  ledgerDigest: 'Ringkasan buku besar (SHA-256) / Ledger digest',
  checkpoint: 'Checkpoint bertanda tangan / Signed checkpoint',
  signature: 'Tanda tangan laporan (Ed25519) / Report signature',
  coverage: 'Cakupan / Coverage',
  funding: 'Pendanaan / Funding',
  fundingBySource: 'Pendanaan per sumber dana / Funding by source',
  allocations: 'Alokasi / Allocations',
  claims: 'Klaim / Claims',
  regionCode: 'Kode wilayah / Region code',
  regionName: 'Nama wilayah / Region name',
  enrolled: 'Terdaftar / Enrolled',
  covered: 'Terlindungi / Covered',
  male: 'Laki-laki / Male',
  female: 'Perempuan / Female',
  contributions: 'Iuran / Contributions',
  informalWorkforce: 'Pekerja informal / Informal workforce',
  coverageRatio: 'Rasio cakupan / Coverage ratio',
  allocated: 'Dialokasikan / Allocated',
  disbursed: 'Disalurkan (neto) / Disbursed (net)',
  refunded: 'Dikembalikan / Refunded',
  remaining: 'Sisa / Remaining',
  workerMonths: 'Bulan-pekerja / Worker-months',
  doubleFunding: 'Pendanaan ganda ditolak / Double funding refused',
  fundingSource: 'Sumber dana / Funding source',
  program: 'Program / Programme',
  allocatedOn: 'Tanggal / Date',
  claimsCount: 'Jumlah klaim / Claims',
  settledAmount: 'Dibayar / Settled',
  incidents: 'Kejadian / Incidents',
  page: 'Halaman / Page',
  of: 'dari / of',
} as const;

/** Whole rupiah the Indonesian way: `Rp 1.234.567`. */
export function rupiah(amount: number): string {
  return `Rp ${thousands(amount)}`;
}

/** An integer with Indonesian thousands separators (`1.234.567`). */
export function thousands(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(Math.trunc(n))).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/** A ratio as an Indonesian percentage (`12,34 %`), or `–` without a denominator. */
export function percent(ratio: number | null): string {
  return ratio === null ? '–' : `${(ratio * 100).toFixed(2).replace('.', ',')} %`;
}

/** The claims of one region as one CSV/PDF row: count and settled amount, in total and per type. */
export function claimTypes(report: OversightReport): string[] {
  const types = new Set<string>(['JKK', 'JKM']);
  for (const t of Object.keys(report.claims.totals.byType)) types.add(t);
  return [...types].sort();
}
