/** Amounts are whole rupiah (integers), never floating point. */
export function formatRupiah(amount: number): string {
  return `Rp${amount.toLocaleString('en-US')}`;
}
