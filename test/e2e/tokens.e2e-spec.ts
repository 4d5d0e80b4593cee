import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, createSign, generateKeyPairSync, KeyObject, sign as edSign } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { mintToken } from '@app/ledger';
import { loadConfig } from '../../apps/api/src/config';
import { startApp, TestApp, TEST_SECRET } from '../support/app';

const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
const claims = (over: object = {}) => ({
  sub: 'oidc-user',
  roles: ['analyst'],
  regions: ['53'],
  exp: Math.floor(Date.now() / 1000) + 600,
  ...over,
});

function signRs256(payload: object, key: KeyObject, kid: string): string {
  const input = `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${b64(payload)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
}
function signEs256(payload: object, key: KeyObject, kid: string): string {
  const input = `${b64({ alg: 'ES256', typ: 'JWT', kid })}.${b64(payload)}`;
  return `${input}.${edSign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

/** api.md: tokens must carry exp; iss and aud when configured; an OIDC issuer's keys (JWKS) as another verifier; production mode. */
describe('bearer tokens', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let jwks: Server;
  let fetches = 0;
  let t: TestApp;

  beforeAll(async () => {
    // A local OIDC issuer's key set, served by the test itself.
    jwks = createServer((_req, res) => {
      fetches++;
      const keys = [
        { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1', use: 'sig', alg: 'RS256' },
        { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1', use: 'sig', alg: 'ES256' },
      ];
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    t = await startApp({ JWT_JWKS_URL: url, JWT_ISSUER: 'https://issuer.example', JWT_AUDIENCE: 'ledger-api' });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => jwks.close(resolve));
  });

  const get = (token: string) => t.http.get('/api/v1/coverage/53?period=2025-07').set({ Authorization: `Bearer ${token}` });
  const good = { iss: 'https://issuer.example', aud: 'ledger-api' };

  it('accepts RS256 and ES256 tokens signed with the published keys, fetching the key set once', async () => {
    await get(signRs256(claims(good), rsa.privateKey, 'rsa-1')).expect(200);
    await get(signEs256(claims(good), ec.privateKey, 'ec-1')).expect(200);
    await get(signRs256(claims(good), rsa.privateKey, 'rsa-1')).expect(200);
    expect(fetches).toBe(1);
  });

  it('refuses a key the issuer does not publish, a kid of another algorithm, a missing kid, no exp, the wrong iss or aud', async () => {
    const refused = [
      signRs256(claims(good), stranger.privateKey, 'rsa-1'),
      signRs256(claims(good), stranger.privateKey, 'unknown-kid'),
      signRs256(claims(good), rsa.privateKey, 'ec-1'),
      signRs256(claims({ ...good, exp: undefined }), rsa.privateKey, 'rsa-1'),
      signRs256(claims({ ...good, iss: 'https://evil.example' }), rsa.privateKey, 'rsa-1'),
      signRs256(claims({ ...good, aud: 'another-api' }), rsa.privateKey, 'rsa-1'),
      signRs256(claims({ aud: 'ledger-api' }), rsa.privateKey, 'rsa-1'),
      signRs256(claims({ ...good, exp: Math.floor(Date.now() / 1000) - 10 }), rsa.privateKey, 'rsa-1'),
    ];
    for (const token of refused) {
      const res = await get(token).expect(401);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    const noKid = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims(good))}.x`;
    await get(noKid).expect(401);
  });

  it('keeps HS256 with JWT_SECRET beside the key set, with iss and aud checked too; the secret is never taken for a public key', async () => {
    await get(mintToken(TEST_SECRET, { sub: 'a', roles: ['analyst'], regions: ['53'] })).expect(401); // no iss/aud
    const hs = (payload: object) => new JwtService({ secret: TEST_SECRET }).sign(payload);
    await get(hs(claims(good))).expect(200);
    const { exp: _exp, ...noExp } = claims(good);
    await get(hs(noExp)).expect(401);
    // An RS256 token "signed" with the HS256 secret (algorithm confusion) is refused.
    const input = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'rsa-1' })}.${b64(claims(good))}`;
    await get(`${input}.${createHmac('sha256', TEST_SECRET).update(input).digest('base64url')}`).expect(401);
  });

  it('production mode refuses to start without JWT_SECRET or JWT_JWKS_URL, and makes up no token there', () => {
    for (const env of [
      { NODE_ENV: 'production' },
      { EVENTSTORE_URL: 'esdb://x:2113', NIK_PEPPER: 'p' },
      { MONGO_URL: 'mongodb://x/ledger' },
    ]) {
      expect(() => loadConfig(env)).toThrow(/JWT_SECRET must be set \(or JWT_JWKS_URL\) in production mode/);
    }
    expect(loadConfig({ NODE_ENV: 'production', JWT_JWKS_URL: 'https://issuer.example/jwks' })).toMatchObject({
      production: true,
      jwtSecretGenerated: false,
      jwtSecret: undefined,
    });
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) })).toMatchObject({
      production: true,
      jwtSecretGenerated: false,
    });
    expect(() => loadConfig({ JWT_JWKS_URL: 'file:///etc/passwd' })).toThrow(/JWT_JWKS_URL/);
    expect(() => loadConfig({ COMMAND_RATE_LIMIT: '0' })).toThrow(/COMMAND_RATE_LIMIT/);
  });
});

/** api.md: commands are rate-limited per user: 429 problem+json with Retry-After. */
describe('command rate limit', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp({ COMMAND_RATE_LIMIT: '5' })));
  afterAll(async () => t.close());

  it('answers the 6th command of a minute with 429 and Retry-After; another user and queries are not affected', async () => {
    const post = (sub: string) =>
      t.http
        .post('/api/v1/allocations')
        .set(t.as(['finance'], ['53'], sub))
        .send({});
    for (let i = 0; i < 5; i++) await post('busy').expect(400);
    const res = await post('busy').expect(429);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body).toMatchObject({ status: 429, title: 'Too many requests' });
    await post('other').expect(400);
    await t.http
      .get('/api/v1/funding/53?fiscalYear=2025')
      .set(t.as(['finance'], ['53'], 'busy'))
      .expect(200);
  });

  it('answers about people with Cache-Control: no-store, and every answer with nosniff and no framing (/docs too)', async () => {
    const worker = await t.http.get('/api/v1/workers/00000000-0000-4000-8000-000000000000').set(t.as(['analyst']));
    expect(worker.headers['cache-control']).toBe('no-store');
    const docs = await t.http.get('/docs');
    expect(docs.headers['x-content-type-options']).toBe('nosniff');
    expect(docs.headers['x-frame-options']).toBe('DENY');
    expect(docs.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
  });
});
