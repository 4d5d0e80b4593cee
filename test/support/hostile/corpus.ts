import { createHmac, randomUUID } from 'node:crypto';

/**
 * A corpus of malformed and hostile requests over every operation of the OpenAPI document the app
 * serves (`/docs-json`), so routes added later are covered as they land. Every request here must be
 * refused with a 4xx problem+json and append nothing: bodies that might by chance be valid are sent by
 * a user whose region (53.01) excludes every region and id they name.
 */
export interface Operation {
  method: 'get' | 'post';
  path: string;
  pathParams: string[];
  queryParams: string[];
  hasBody: boolean;
  /** Takes only JSON bodies (others, such as roster imports, take CSV or multipart too). */
  jsonOnly: boolean;
  bodySchema?: Schema;
}

export interface HostileRequest {
  name: string;
  method: 'get' | 'post';
  /** Path and query string, already encoded as sent. */
  url: string;
  headers: Record<string, string>;
  /** Raw bytes of the body (sent as is), if any. */
  body?: Buffer;
  /** A specific status expected, else any 4xx. */
  expect?: number;
  /** A hostile-looking value a lenient free-text query field may accept (2xx allowed, never 5xx). */
  mayPass?: boolean;
}

interface Schema {
  type?: string;
  properties?: Record<string, Schema & { example?: unknown; enum?: unknown[] }>;
  required?: string[];
  items?: Schema;
  $ref?: string;
  example?: unknown;
  enum?: unknown[];
}

type OpenApi = {
  paths: Record<
    string,
    Record<string, { parameters?: Array<{ in: string; name: string }>; requestBody?: { content?: Record<string, { schema?: Schema }> } }>
  >;
  components?: { schemas?: Record<string, Schema> };
};

const PUBLIC = new Set(['/health', '/health/live', '/health/ready', '/metrics', '/docs', '/docs-json', '/dashboard']);

export function operationsOf(doc: OpenApi): Operation[] {
  const resolve = (s?: Schema): Schema | undefined => (s?.$ref ? doc.components?.schemas?.[s.$ref.split('/').pop()!] : s);
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (PUBLIC.has(path) || !path.startsWith('/api/')) continue;
    for (const [method, op] of Object.entries(methods)) {
      if (method !== 'get' && method !== 'post') continue;
      const params = op.parameters ?? [];
      const json = op.requestBody?.content?.['application/json']?.schema;
      ops.push({
        method,
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
        hasBody: !!op.requestBody,
        // Roster imports take CSV, XLSX or multipart (their OpenAPI entry may not say so): any 4xx there.
        jsonOnly:
          !/\/imports\b/.test(path) &&
          Object.keys(op.requestBody?.content ?? { 'application/json': {} }).every((type) => type === 'application/json'),
        bodySchema: json ? resolveDeep(json, resolve) : undefined,
      });
    }
  }
  return ops;
}

function resolveDeep(s: Schema, resolve: (s?: Schema) => Schema | undefined, depth = 0): Schema {
  const r = resolve(s) ?? {};
  if (depth > 3) return r;
  return {
    ...r,
    properties: r.properties
      ? Object.fromEntries(
          Object.entries(r.properties).map(([k, v]) => [k, { ...resolveDeep(v, resolve, depth + 1), example: v.example, enum: v.enum }]),
        )
      : undefined,
    items: r.items ? resolveDeep(r.items, resolve, depth + 1) : undefined,
  };
}

/** Values for path parameters: well-formed, unknown (or outside 53.01). */
function pathValue(name: string): string {
  if (/regionCode/i.test(name)) return '53.03';
  if (/streamName/i.test(name)) return `worker-${randomUUID()}`;
  return randomUUID();
}

function fill(op: Operation, values: Record<string, string> = {}): string {
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? encodeURIComponent(pathValue(name)));
}

/** A body as the OpenAPI examples describe it (by its own nature naming regions and ids outside 53.01). */
export function exampleBody(schema: Schema | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, p] of Object.entries(schema?.properties ?? {})) {
    if (p.example !== undefined) out[key] = p.example;
    else if (p.enum?.length) out[key] = p.enum[0];
    else if (/Id$/.test(key)) out[key] = randomUUID();
    else if (p.type === 'array') out[key] = p.items?.properties ? [exampleBody(p.items)] : [randomUUID()];
    else if (p.type === 'number' || p.type === 'integer') out[key] = 1;
    else if (p.type === 'object') out[key] = {};
    else out[key] = 'x';
  }
  return out;
}

const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
function hs256(payload: object, secret: string, header: object = { alg: 'HS256', typ: 'JWT' }): string {
  const signing = `${b64(header)}.${b64(payload)}`;
  return `${signing}.${createHmac('sha256', secret).update(signing).digest('base64url')}`;
}

/** Tokens that must all be refused (401). */
export function badTokens(secret: string): Array<[string, string]> {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: 'mallory', roles: ['operator', 'finance', 'analyst', 'auditor', 'oversight', 'admin'], regions: ['ID'] };
  return [
    ['no exp', hs256(claims, secret)],
    ['expired', hs256({ ...claims, exp: now - 60 }, secret)],
    ['another secret', hs256({ ...claims, exp: now + 600 }, 'not-the-secret')],
    ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, exp: now + 600 })}.`],
    ['alg RS256 with the secret as a key', hs256({ ...claims, exp: now + 600 }, secret, { alg: 'RS256', typ: 'JWT' })],
    ['exp as a string', hs256({ ...claims, exp: String(now + 600) }, secret)],
    ['unknown role', hs256({ ...claims, roles: ['root'], exp: now + 600 }, secret)],
    ['unknown region', hs256({ ...claims, regions: ['99.99'], exp: now + 600 }, secret)],
    ['no sub', hs256({ roles: claims.roles, regions: claims.regions, exp: now + 600 }, secret)],
    ['garbage', 'a.b.c'],
    ['not base64', '!!!.???.***'],
  ];
}

const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

/** Every hostile request for one operation, sent with `auth` (a user of 53.01 with every role) unless the case is about tokens. */
export function hostileRequests(op: Operation, auth: Record<string, string>, secret: string, largeBodyRoute: boolean): HostileRequest[] {
  const out: HostileRequest[] = [];
  const url = fill(op);
  const json = { 'content-type': 'application/json' };
  const add = (name: string, r: Omit<HostileRequest, 'name' | 'method'> & { method?: 'get' | 'post' }) =>
    out.push({ name: `${op.method.toUpperCase()} ${op.path}: ${name}`, method: op.method, ...r });
  const validish = exampleBody(op.bodySchema);
  const body = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
  const withBody = op.method === 'post' ? { body: body(op.hasBody ? { ...validish, unknownField: 1 } : { unknownField: 1 }) } : {};
  const sep = url.includes('?') ? '&' : '?';

  // Credentials.
  add('no token', { url, headers: op.method === 'post' ? json : {}, ...withBody, expect: 401 });
  add('Basic instead of Bearer', {
    url,
    headers: { ...(op.method === 'post' ? json : {}), authorization: 'Basic YWRtaW46YWRtaW4=' },
    ...withBody,
    expect: 401,
  });
  for (const [why, token] of badTokens(secret)) {
    add(`token: ${why}`, {
      url,
      headers: { ...(op.method === 'post' ? json : {}), authorization: `Bearer ${token}` },
      ...withBody,
      expect: 401,
    });
  }
  const as = (h: Record<string, string> = {}) => ({ ...auth, ...(op.method === 'post' ? json : {}), ...h });

  // Query strings: unknown fields, the three keys JSON and class-transformer drop, repeated fields, junk.
  for (const key of ['unknownField', '__proto__', 'constructor', 'prototype', '__proto__[admin]', 'constructor[prototype][x]']) {
    add(`query field ${key}`, { url: `${url}${sep}${encodeURIComponent(key)}=1`, headers: as(), ...withBody, expect: 400 });
  }
  add('query with a bad percent-encoding', { url: `${url}${sep}zz=%E0%A4%A`, headers: as(), ...withBody, expect: 400 });
  add('query with 2,000 fields', {
    url: `${url}${sep}${Array.from({ length: 2000 }, (_, i) => `f${i}=1`).join('&')}`,
    headers: as(),
    ...withBody,
  });
  if (op.method === 'get') {
    add('consistentWith not a position', { url: `${url}${sep}consistentWith=abc`, headers: as(), expect: 400 });
    add('consistentWith repeated', { url: `${url}${sep}consistentWith=1&consistentWith=2`, headers: as(), expect: 400 });
    for (const q of op.queryParams.filter((q) => q !== 'consistentWith')) {
      for (const [why, v] of [
        ['repeated', null],
        ['overlong', 'x'.repeat(5000)],
        ['NUL', '\u0000'],
        ['operator injection', '{"$gt":""}'],
        ['negative', '-1'],
        ['1e300', '1e300'],
        ['path traversal', '../../etc/passwd'],
      ] as const) {
        const value = v === null ? `${q}=1&${q}=2` : `${q}=${encodeURIComponent(v)}`;
        // Some of these may be accepted by a lenient free-text field: still never a 5xx.
        add(`query ${q} ${why}`, { url: `${url}${sep}${value}`, headers: as(), mayPass: true });
      }
    }
  }

  // Path parameters.
  for (const p of op.pathParams) {
    add(`path ${p} with a bad percent-encoding`, { url: fill(op, { [p]: '%E0%A4%A' }), headers: as(), ...withBody, expect: 400 });
    add(`path ${p} with a lone %`, { url: fill(op, { [p]: 'abc%' }), headers: as(), ...withBody, expect: 400 });
    for (const [why, v] of [
      ['overlong', 'a'.repeat(3000)],
      ['SQL', "' OR 1=1 --"],
      ['traversal', '../../../etc/passwd'],
      ['NUL', '\u0000'],
      ['unicode', 'ʍօɾƙɛɾ'],
      ['spaces', '   '],
    ] as const) {
      add(`path ${p} ${why}`, { url: fill(op, { [p]: encodeURIComponent(v) }), headers: as(), ...withBody });
    }
  }

  // Oversized headers and request line: 431 as problem+json.
  add('oversized header', { url, headers: as({ 'x-padding': 'a'.repeat(20_000) }), ...withBody, expect: 431 });
  add('oversized request line', { url: `${url}${sep}q=${'a'.repeat(20_000)}`, headers: as(), ...withBody, expect: 431 });

  if (op.method !== 'post') return out;

  // Bodies.
  const raw = (name: string, b: Buffer | string, h: Record<string, string> = {}, expect?: number) =>
    add(name, { url, headers: as(h), body: Buffer.isBuffer(b) ? b : Buffer.from(b), expect });
  raw('body not JSON', '{bad json', {}, 400);
  raw('body truncated', '{"a":', {}, 400);
  raw('body a JSON array', '[]', {}, 400);
  raw('body a JSON string', '"x"', {}, 400);
  raw('body null', 'null', {}, 400);
  raw('body a number', '42', {}, 400);
  raw('body nested 1,300 levels (arrays)', deep(1300), {}, 400);
  raw('body nested 33 levels', `{"a":${deepObject(32)}}`, {}, 400);
  raw('body nested 5,000 levels (objects)', deepObject(5000), {}, 400);
  raw('body with __proto__', `{"__proto__":{"isAdmin":true},${JSON.stringify(validish).slice(1)}`.replace(',}', '}'), {}, 400);
  raw('body with constructor.prototype', JSON.stringify({ ...validish, constructor: { prototype: { isAdmin: true } } }), {}, 400);
  raw('body with prototype', JSON.stringify({ ...validish, prototype: 1 }), {}, 400);
  raw('body with a nested __proto__', `{"nested":{"__proto__":{"x":1}}}`, {}, 400);
  raw('body with an unknown field', JSON.stringify({ ...validish, unknownField: true }), {}, 400);
  raw('body invalid UTF-8', Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('"}')]), {}, 400);
  raw('body overlong UTF-8 encoding of "/"', Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]), {}, 400);
  raw('body UTF-16 surrogate bytes', Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]), {}, 400);
  raw('body as text/plain', JSON.stringify(validish), { 'content-type': 'text/plain' }, op.jsonOnly ? 415 : undefined);
  raw('body as form', 'a=1&b=2', { 'content-type': 'application/x-www-form-urlencoded' }, op.jsonOnly ? 415 : undefined);
  raw('body as XML', '<a/>', { 'content-type': 'application/xml' }, op.jsonOnly ? 415 : undefined);
  raw('body in latin1', JSON.stringify(validish), { 'content-type': 'application/json; charset=iso-8859-1' }, 415);
  raw('body gzip-encoded but not gzip', JSON.stringify(validish), { 'content-encoding': 'gzip' });
  raw(
    'number overflowing to Infinity, with an Idempotency-Key',
    `{"amount":1e400,"targetWorkers":1e400,"year":1e400}`,
    { 'idempotency-key': `k-${randomUUID()}` },
    400,
  );
  raw('number beyond 2^53', `{"amount":9007199254740993}`, {}, 400);
  raw('Idempotency-Key with spaces', JSON.stringify({ ...validish, unknownField: 1 }), { 'idempotency-key': 'a b c' }, 400);
  raw('Idempotency-Key overlong', JSON.stringify({ ...validish, unknownField: 1 }), { 'idempotency-key': 'k'.repeat(500) }, 400);
  if (!largeBodyRoute) raw('body over 1 MB', JSON.stringify({ x: 'a'.repeat(1_100_000) }), {}, 413);
  if (!op.hasBody) {
    raw('a body where none is taken', JSON.stringify({ unknownField: 1 }), {}, 400);
    return out;
  }

  // Each field of the example body in turn made hostile (the rest as the example: regions and ids outside 53.01).
  for (const key of Object.keys(validish)) {
    const mutations: Array<[string, unknown]> = [
      ['an object', { $gt: '' }],
      ['an array of objects', [{}]],
      ['1e300', 1e300],
      ['-1', -1],
      ['a fraction', 1.5],
      ['true', true],
      ['a 100 kB string', 'x'.repeat(100_000)],
      ['a NUL string', '\u0000'],
      ['an empty string', ''],
    ];
    for (const [why, value] of mutations) raw(`field ${key} ${why}`, JSON.stringify({ ...validish, [key]: value }));
  }
  for (const key of Object.keys(validish)) {
    const { [key]: _dropped, ...rest } = validish;
    raw(`field ${key} missing`, JSON.stringify(rest));
  }
  return out;
}
