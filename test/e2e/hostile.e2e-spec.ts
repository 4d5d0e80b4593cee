import type { AddressInfo } from 'node:net';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { LARGE_BODY_LIMIT } from '../../apps/api/src/app.factory';
import { startApp, TestApp, TEST_SECRET } from '../support/app';
import { HostileRequest, hostileRequests, operationsOf } from '../support/hostile/corpus';
import { RawAnswer, send } from '../support/hostile/send';

const LARGE_BODY_ROUTES = [/^\/api\/v1\/contributions$/, /^\/api\/v1\/allocations\/\{allocationId\}\/sponsorships$/];

/**
 * api.md "Bounds and hostile input": hundreds of malformed or hostile requests over every operation
 * the OpenAPI document lists, each answered with a 4xx problem+json, never a 5xx, and nothing
 * appended to the ledger across the whole corpus.
 */
describe('hostile input over every endpoint', () => {
  let t: TestApp;
  let port: number;
  let corpus: HostileRequest[];
  const answers: Array<{ r: HostileRequest; a: RawAnswer }> = [];
  let headBefore: string | undefined;
  let headAfter: string | undefined;

  beforeAll(async () => {
    t = await startApp();
    await new Promise<void>((resolve) => t.app.getHttpServer().listen(0, '127.0.0.1', resolve));
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    // Something in the ledger, so that lookups find streams.
    await t.http
      .post('/api/v1/allocations')
      .set(t.as(['finance'], ['53.03']))
      .send({
        regionCode: '53.03',
        fundingSource: 'APBD_KABUPATEN_KOTA',
        fiscalYear: 2025,
        amount: 1_000_000,
        programName: 'p',
        legalBasis: 'l',
        allocatedOn: '2025-07-01',
      })
      .expect(201);
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    const auth = t.as(['operator', 'finance', 'analyst', 'auditor', 'oversight', 'admin'], ['53.01'], 'mallory');
    corpus = operationsOf(doc).flatMap((op) =>
      hostileRequests(
        op,
        auth,
        TEST_SECRET,
        LARGE_BODY_ROUTES.some((r) => r.test(op.path)),
      ),
    );
    headBefore = await t.app.get<EventStore>(EVENT_STORE).headPosition();
    const queue = [...corpus];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let r = queue.shift(); r; r = queue.shift()) answers.push({ r, a: await send(port, r.method, r.url, r.headers, r.body) });
      }),
    );
    headAfter = await t.app.get<EventStore>(EVENT_STORE).headPosition();
    if (process.env.HOSTILE_REPORT) {
      const byStatus = new Map<number, number>();
      for (const { a } of answers) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
      console.log(
        `hostile corpus: ${answers.length} requests; by status ${JSON.stringify(Object.fromEntries(byStatus))}; head ${headBefore} → ${headAfter}`,
      );
    }
  }, 240_000);
  afterAll(async () => t.close());

  it('covers every operation with at least 400 requests', () => {
    expect(LARGE_BODY_LIMIT).toBe('10mb');
    expect(corpus.length).toBeGreaterThanOrEqual(400);
    const paths = new Set(corpus.map((r) => r.name.split(':')[0]));
    expect(paths.size).toBeGreaterThanOrEqual(25);
  });

  it('never answers a 5xx', () => {
    const fivexx = answers.filter(({ a }) => a.status >= 500).map(({ r, a }) => `${r.name} → ${a.status} ${a.text.slice(0, 200)}`);
    expect(fivexx).toEqual([]);
  });

  it('answers every one with a 4xx problem+json (the expected status where one is fixed)', () => {
    const wrong = answers
      .filter(({ r, a }) => {
        if (r.mayPass && a.status < 300) return false;
        if (a.status < 400 || a.status >= 500) return true;
        if (r.expect !== undefined && a.status !== r.expect) return true;
        if (!/^application\/problem\+json/.test(String(a.headers['content-type']))) return true;
        let body: { type?: unknown; title?: unknown; status?: unknown; detail?: unknown };
        try {
          body = JSON.parse(a.text);
        } catch {
          return true;
        }
        return (
          typeof body.type !== 'string' || typeof body.title !== 'string' || body.status !== a.status || typeof body.detail !== 'string'
        );
      })
      .map(({ r, a }) => `${r.name} → ${a.status} ${String(a.headers['content-type'])} ${a.text.slice(0, 160)}`);
    expect(wrong).toEqual([]);
    const refused = answers.filter(({ a }) => a.status >= 400 && a.status < 500).length;
    expect(refused).toBeGreaterThanOrEqual(400);
  });

  it('never leaks a stack trace, and every answer carries nosniff and refuses framing', () => {
    const leaky = answers.filter(({ a }) => /\bat \w+ \(|node_modules|\.ts:\d+/.test(a.text)).map(({ r }) => r.name);
    expect(leaky).toEqual([]);
    const unprotected = answers.filter(({ a }) => a.headers['x-content-type-options'] !== 'nosniff').map(({ r }) => r.name);
    expect(unprotected).toEqual([]);
    const framable = answers
      .filter(({ a }) => a.status !== 431 && a.status !== 400 && a.headers['x-frame-options'] !== 'DENY')
      .map(({ r }) => r.name);
    expect(framable).toEqual([]);
  });

  it('appends nothing to the ledger across the whole corpus', () => {
    expect(headAfter).toBe(headBefore);
  });
});
