/** Amounts are whole rupiah (integers), never floating point. */
export function formatRupiah(amount: number): string {
  return `Rp${amount.toLocaleString('en-US')}`;
}

export function isWholeRupiah(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
