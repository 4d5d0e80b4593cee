import { RecordedEvent, Subscription } from './event-store.port';

const IDLE_WAIT_MS = 250;

/**
 * Catch-up-then-live delivery over any "read the next page after a position" function. Used by
 * the embedded store, which has no server push; `listen` wakes the loop early on a local append.
 */
export function runSubscription(
  readPage: (after: string | undefined) => Promise<RecordedEvent[]>,
  start: string | undefined,
  handler: (event: RecordedEvent) => Promise<void> | void,
  listen: (wake: () => void) => () => void,
): Subscription {
  let stopped = false;
  let wake: () => void = () => undefined;
  const unlisten = listen(() => wake());
  let markCaughtUp: () => void = () => undefined;
  const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));

  const loop = (async () => {
    let after = start;
    while (!stopped) {
      const page = await readPage(after);
      for (const event of page) {
        if (stopped) return;
        await handler(event);
        after = event.position;
      }
      if (page.length === 0) {
        markCaughtUp();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, IDLE_WAIT_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
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
