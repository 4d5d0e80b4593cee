import { RecordedEvent } from './event-store.port';
import { PushSubscription, runResubscribing, runSubscription } from './subscription-loop';

const event = (n: number): RecordedEvent => ({
  id: `e${n}`,
  streamName: 's-1',
  revision: n - 1,
  position: String(n).padStart(20, '0'),
  type: 'T',
  data: {},
  effectiveDate: '2026-01-01',
  recordedAt: '2026-01-01T00:00:00.000Z',
  metadata: {
    userId: 'u',
    role: 'r',
    correlationId: 'c',
    causationId: 'c',
    schemaVersion: 1,
    effectiveDate: '2026-01-01',
    hash: 'h',
    prevHash: 'p',
  },
});
const ledger = [1, 2, 3, 4, 5].map(event);
const fast = { firstMs: 1, maxMs: 5 };

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('subscriptions under failure (no unhandled rejection, resubscribed after the last delivered event)', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(() => process.on('unhandledRejection', onUnhandled));
  afterAll(() => process.off('unhandledRejection', onUnhandled));
  afterEach(() => expect(unhandled).toEqual([]));

  it('polling: a read that throws once is reported, retried from the same position, and nothing is lost or repeated', async () => {
    let calls = 0;
    const readPage = async (after: string | undefined) => {
      calls++;
      if (calls === 2) throw new Error('disk I/O error');
      return ledger.filter((e) => after === undefined || e.position > after).slice(0, 2);
    };
    const seen: string[] = [];
    const errors: Error[] = [];
    const sub = runSubscription(
      readPage,
      undefined,
      (e) => void seen.push(e.id),
      () => () => undefined,
      (e) => errors.push(e),
      fast,
    );
    await sub.caughtUp;
    await sub.stop();
    expect(seen).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
    expect(errors.map((e) => e.message)).toEqual(['disk I/O error']);
  });

  it('polling: a handler that throws gets the same event again; one that keeps throwing never stops the loop nor the process', async () => {
    const seen: string[] = [];
    let failures = 0;
    const sub = runSubscription(
      async (after) => ledger.filter((e) => after === undefined || e.position > after),
      undefined,
      (e) => {
        if (e.id === 'e3' && failures++ < 2) throw new Error('read store down');
        seen.push(e.id);
      },
      () => () => undefined,
      undefined,
      fast,
    );
    await sub.caughtUp;
    await sub.stop();
    expect(seen).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
    expect(failures).toBe(3);
  });

  it('push: a subscription that fails mid-way is resubscribed after the last delivered event', async () => {
    const opened: Array<string | undefined> = [];
    let closed = 0;
    const open = (after: string | undefined, markCaughtUp: () => void): PushSubscription => {
      opened.push(after);
      const first = opened.length === 1;
      let end: () => void = () => undefined;
      const ended = new Promise<void>((resolve) => (end = resolve));
      async function* events() {
        for (const e of ledger) {
          // The server sends from the start position again (as EventStoreDB may): the loop skips what it delivered.
          if (after !== undefined && e.position < after) continue;
          if (first && e.id === 'e3') throw new Error('subscription dropped: consumer too slow');
          yield e;
        }
        markCaughtUp();
        // Live: nothing more until closed (unsubscribing ends the server's stream).
        await ended;
      }
      return {
        events: events(),
        close: async () => {
          closed++;
          end();
        },
      };
    };
    const seen: string[] = [];
    const errors: string[] = [];
    const sub = runResubscribing(
      open,
      undefined,
      (e) => void seen.push(e.id),
      (e) => errors.push(e.message),
      fast,
    );
    await sub.caughtUp;
    await sub.stop();
    expect(seen).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
    expect(opened).toEqual([undefined, ledger[1].position]);
    expect(errors).toEqual(['subscription dropped: consumer too slow']);
    expect(closed).toBeGreaterThanOrEqual(2);
  });

  it('push: a subscription that cannot even open, or ends, is tried again until stopped', async () => {
    let attempts = 0;
    const open = (): PushSubscription => {
      attempts++;
      if (attempts < 3) throw new Error('unavailable');
      async function* events() {
        yield ledger[0];
      }
      return { events: events(), close: async () => undefined };
    };
    const seen: string[] = [];
    const sub = runResubscribing(open, undefined, (e) => void seen.push(e.id), undefined, fast);
    await waitFor(() => attempts >= 5);
    await sub.stop();
    expect(seen).toEqual(['e1']);
  });
});
