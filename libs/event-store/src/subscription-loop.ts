import { RecordedEvent, Subscription } from './event-store.port';

const IDLE_WAIT_MS = 250;

/** How long a failed subscription waits before it reads or subscribes again: doubling from `firstMs` up to `maxMs`. */
export interface RetryPolicy {
  firstMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { firstMs: 100, maxMs: 10_000 };

type Handler = (event: RecordedEvent) => Promise<void> | void;
type OnError = ((error: Error) => void) | undefined;

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Tells `onError`, which must not be able to stop the loop itself. */
function report(onError: OnError, error: unknown): void {
  try {
    onError?.(asError(error));
  } catch {
    /* a failing listener changes nothing */
  }
}

/**
 * Catch-up-then-live delivery over any "read the next page after a position" function. Used by
 * the embedded store, which has no server push; `listen` wakes the loop early on a local append.
 *
 * A failing read or handler never ends the loop and never rejects unhandled: `onError` hears of it,
 * the loop waits (doubling up to the policy's maximum) and reads again after the last event the
 * handler finished, so the event whose handler failed is delivered again.
 */
export function runSubscription(
  readPage: (after: string | undefined) => Promise<RecordedEvent[]>,
  start: string | undefined,
  handler: Handler,
  listen: (wake: () => void) => () => void,
  onError?: OnError,
  retry: RetryPolicy = DEFAULT_RETRY,
): Subscription {
  let stopped = false;
  let wake: () => void = () => undefined;
  const unlisten = listen(() => wake());
  let markCaughtUp: () => void = () => undefined;
  const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = (async () => {
    let after = start;
    let delay = retry.firstMs;
    while (!stopped) {
      try {
        const page = await readPage(after);
        for (const event of page) {
          if (stopped) return;
          await handler(event);
          after = event.position;
        }
        delay = retry.firstMs;
        if (page.length === 0) {
          markCaughtUp();
          await pause(IDLE_WAIT_MS);
        }
      } catch (error) {
        if (stopped) return;
        report(onError, error);
        await pause(delay);
        delay = Math.min(delay * 2, retry.maxMs);
      }
    }
  })();

  return {
    caughtUp,
    async stop() {
      stopped = true;
      wake();
      unlisten();
      await loop.catch(() => undefined);
    },
  };
}

/** One server-side subscription: its events (already the port's, filtered) until it fails or is closed. */
export interface PushSubscription {
  events: AsyncIterable<RecordedEvent>;
  close(): Promise<void>;
}

/**
 * Delivery over a server's push subscription (EventStoreDB's `subscribeToAll`), resubscribed whenever
 * it fails or ends (the server drops a subscription whose consumer falls behind; connections drop):
 * each new one starts after the last event the handler finished, and events at or before that
 * position are skipped, so nothing is delivered twice after success nor lost after a failure.
 * `open` may also mark the subscription caught up (the server says so). Never rejects unhandled.
 */
export function runResubscribing(
  open: (after: string | undefined, markCaughtUp: () => void) => PushSubscription,
  start: string | undefined,
  handler: Handler,
  onError?: OnError,
  retry: RetryPolicy = DEFAULT_RETRY,
): Subscription {
  let stopped = false;
  let current: PushSubscription | undefined;
  let wake: () => void = () => undefined;
  let markCaughtUp: () => void = () => undefined;
  const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));

  const loop = (async () => {
    let after = start;
    let delay = retry.firstMs;
    while (!stopped) {
      try {
        current = open(after, () => markCaughtUp());
        for await (const event of current.events) {
          if (stopped) break;
          if (after !== undefined && event.position <= after) continue;
          await handler(event);
          after = event.position;
          delay = retry.firstMs;
        }
        if (!stopped) throw new Error('the subscription ended');
      } catch (error) {
        if (stopped) break;
        report(onError, error);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        delay = Math.min(delay * 2, retry.maxMs);
      } finally {
        await current?.close().catch(() => undefined);
        current = undefined;
      }
    }
  })();

  return {
    caughtUp,
    async stop() {
      stopped = true;
      wake();
      await current?.close().catch(() => undefined);
      await loop.catch(() => undefined);
    },
  };
}
