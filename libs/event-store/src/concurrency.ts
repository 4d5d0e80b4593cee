import { AppendOutcome, AppendResult, StreamWrite, WriteNotAppliedError } from './event-store.port';

/** Runs `fn` over the items with at most `limit` in flight; results keep the items' order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * appendMany for a store without multi-stream transactions: the lead write first (if it fails,
 * nothing else is tried), then the others concurrently, each reported on its own.
 */
export async function appendLeadThenRest(
  writes: StreamWrite[],
  append: (write: StreamWrite) => Promise<AppendResult>,
  concurrency: number,
): Promise<AppendOutcome[]> {
  if (writes.length === 0) return [];
  const [lead, ...rest] = writes;
  let first: AppendResult;
  try {
    first = await append(lead);
  } catch (error) {
    return writes.map((w, i) => ({
      ok: false,
      error: i === 0 ? (error as Error) : new WriteNotAppliedError(w.streamName, error as Error),
    }));
  }
  const others = await mapWithConcurrency(rest, concurrency, async (w): Promise<AppendOutcome> => {
    try {
      return { ok: true, result: await append(w) };
    } catch (error) {
      return { ok: false, error: error as Error };
    }
  });
  return [{ ok: true, result: first }, ...others];
}
