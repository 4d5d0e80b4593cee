import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import * as ts from 'typescript';
import { makeNik } from '@app/domain';
import { startApp, TestApp } from '../support/app';

/**
 * The OpenAPI document at /docs-json (issue 11, "The API described"): it lists every route the app
 * serves, with Idempotency-Key on every command and consistentWith on every query; a redocly lint
 * (the `recommended` rules) finds no error; and the TypeScript types openapi-typescript generates
 * from it type-check a call to every route with the right answer.
 */

type Operation = {
  parameters?: Array<{ name: string; in: string; schema?: Record<string, unknown> }>;
  responses: Record<string, { content?: Record<string, unknown> }>;
};
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
/**
 * Not routes of the API: what the OpenAPI UI serves for itself (its script, the YAML twin of
 * /docs-json), and Nest's catch-all for middleware and unknown paths (`/{*path}`, a 404 problem).
 */
const NOT_ROUTES = /^\/docs(\/|-yaml$)|^\/\{\*path\}$/;

/** Every route Express knows, as `METHOD /openapi/{template}`. */
function servedRoutes(t: TestApp): string[] {
  type Layer = { route?: { path?: unknown; methods?: Record<string, boolean> } };
  const router = (t.app.getHttpAdapter().getInstance() as { router?: { stack?: Layer[] } }).router;
  const out = new Set<string>();
  for (const layer of router?.stack ?? []) {
    const path = layer.route?.path;
    if (typeof path !== 'string' || NOT_ROUTES.test(path)) continue;
    for (const [method, on] of Object.entries(layer.route?.methods ?? {})) {
      if (on && METHODS.includes(method)) out.add(`${method.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  return [...out].sort();
}

function documentedRoutes(doc: Document): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => METHODS.includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    )
    .sort();
}

/**
 * What a client calls, and what it must be able to read from the answer (by status). Each answer is
 * assigned to its expected shape in the generated-client check: a missing field, a `string` for a
 * number or an answer typed `never` fails the type check.
 */
const CALLS: Record<string, { status: number; media?: string; shape: string }> = {
  'POST /api/v1/allocations': { status: 201, shape: '{ allocationId: string; position: string }' },
  'POST /api/v1/allocations/{allocationId}/revisions': { status: 200, shape: '{ allocationId: string; amount: number; position: string }' },
  'POST /api/v1/allocations/{allocationId}/sponsorships': {
    status: 200,
    shape: '{ allocationId: string; workerCount: number; skipped: { workerId: string; reason: string }[]; position: string }',
  },
  'GET /api/v1/funding/{regionCode}': {
    status: 200,
    shape:
      '{ regionCode: string; fiscalYear: number; allocated: number; disbursed: number; remaining: number; workerMonths: number; bySource: { fundingSource: string; allocated: number; disbursed: number }[]; allocations: { allocationId: string; amount: number }[]; children: { regionCode: string; allocated: number }[] }',
  },
  'POST /api/v1/workers': { status: 201, shape: '{ workerId: string; position: string }' },
  'POST /api/v1/workers/{workerId}/exit': { status: 200, shape: '{ workerId: string; position: string }' },
  'POST /api/v1/workers/{workerId}/corrections': { status: 200, shape: '{ workerId: string; position: string }' },
  'POST /api/v1/workers/{workerId}/reactivation': { status: 200, shape: '{ workerId: string; position: string }' },
  'POST /api/v1/workers/{workerId}/erasure': { status: 200, shape: '{ workerId: string; position: string }' },
  'GET /api/v1/workers/{workerId}': {
    status: 200,
    shape:
      "{ workerId: string; nikMasked: string | null; regionCode: string; occupation: string; status: 'ACTIVE' | 'LAPSED' | 'EXITED'; enrolledOn: string; paidPeriods: string[]; sponsors: string[]; claims: { claimId: string; amount: number }[]; fullName?: string | null; birthDate?: string | null }",
  },
  'GET /api/v1/workers': {
    status: 200,
    shape: '{ items: { workerId: string; nikMasked: string | null }[]; page: number; pageSize: number; total: number }',
  },
  'POST /api/v1/workers/imports': { status: 202, shape: '{ jobId: string }' },
  'GET /api/v1/jobs/{jobId}': {
    status: 200,
    shape:
      '{ jobId: string; kind: string; status: string; progress: { done: number; total: number }; startedAt: string; finishedAt?: string }',
  },
  'GET /api/v1/jobs/{jobId}/refused.csv': { status: 200, media: 'text/csv', shape: 'string' },
  'POST /api/v1/contributions': {
    status: 201,
    shape:
      '{ batchId: string; period: string; workerCount: number; amount: number; skipped: { workerId: string; reason: string }[]; position: string }',
  },
  'POST /api/v1/claims': { status: 201, shape: '{ claimId: string; position: string }' },
  'POST /api/v1/claims/{claimId}/settlement': { status: 200, shape: '{ claimId: string; amount: number; position: string }' },
  'POST /api/v1/claims/{claimId}/rejection': { status: 200, shape: '{ claimId: string; position: string }' },
  'GET /api/v1/claims': {
    status: 200,
    shape:
      '{ items: { claimId: string; status: string; amount: number; benefits: { kind: string; amount: number }[] }[]; page: number; pageSize: number; total: number; totals: { count: number; settledAmount: number; byType: Record<string, { count: number; settledAmount: number }> } }',
  },
  'GET /api/v1/coverage/{regionCode}': {
    status: 200,
    shape:
      '{ regionCode: string; regionName: string; period: string; enrolledWorkers: number; coveredWorkers: number; bySex: Record<string, number>; byOccupation: Record<string, number>; byFundingSource: Record<string, number>; population: { total: number } | null; informalWorkforce: { informalWorkers: number } | null; coverageRatio: number | null; children: { regionCode: string; coveredWorkers: number }[] }',
  },
  'POST /api/v1/regions/{regionCode}/workforce-estimates': { status: 201, shape: '{ position: string }' },
  'GET /api/v1/regions': { status: 200, shape: '{ parent: string | null; items: { code: string; name: string; hasChildren: boolean }[] }' },
  'GET /api/v1/audit/streams/{streamName}': {
    status: 200,
    shape:
      '{ items: { type: string; revision: number; position: string; recordedAt: string; effectiveDate: string; data: Record<string, unknown>; metadata: Record<string, unknown> }[] }',
  },
  'GET /api/v1/audit/allocations/{allocationId}/history': {
    status: 200,
    shape: '{ items: { position: string; amount: number | null; balance: number; actor: { userId: string; role: string } }[] }',
  },
  'POST /api/v1/audit/verify': {
    status: 200,
    shape:
      "{ ok: boolean; checkedEvents: number; lastPosition: string | null; treeSize: number; rootHash: string; firstMismatch?: { position: string; streamName: string; revision: number; problem: 'changed' | 'missing' | 'inserted' | 'reordered' } }",
  },
  'GET /api/v1/audit/findings': {
    status: 200,
    shape:
      '{ items: { kind: string; regionCode: string; position: string; recordedAt: string; detail: string; amount?: number }[]; totals: Record<string, { count: number; amount: number }> }',
  },
  'GET /api/v1/audit/checkpoints/latest': {
    status: 200,
    shape: '{ treeSize: number; rootHash: string; position: string; recordedAt: string; note: string }',
  },
  'GET /api/v1/audit/checkpoints': { status: 200, shape: '{ items: { treeSize: number; rootHash: string; note: string }[] }' },
  'GET /api/v1/audit/proofs/inclusion': { status: 200, shape: '{ leafIndex: number; treeSize: number; leafHash: string; path: string[] }' },
  'GET /api/v1/audit/proofs/consistency': { status: 200, shape: '{ from: number; to: number; path: string[] }' },
  'GET /api/v1/audit/access-log': {
    status: 200,
    shape: "{ items: { at: string; userId: string; action: 'READ' | 'SEARCH_NIK'; workerId: string | null; fields: string[] }[] }",
  },
  'GET /api/v1/reports/oversight/{regionCode}': {
    status: 200,
    shape:
      '{ regionCode: string; asOf: string; position: string | null; eventCount: number; treeSize: number; ledgerDigest: string; checkpoint: string; signature: string; coverage: { coveredWorkers: number }; funding: { allocated: number }; claims: { totals: { count: number } } }',
  },
  'POST /api/v1/admin/projections/rebuild': { status: 202, shape: '{ jobId: string }' },
  'GET /api/v1/worklists/lapsing': {
    status: 200,
    shape:
      '{ regionCode: string; today: string; lapsePeriod: string; items: { workerId: string; nikMasked: string | null; regionCode: string; lastPaidPeriod: string | null; unpaidPeriods: string[]; lapsePeriod: string; lapsesOn: string; payBy: string }[]; page: number; pageSize: number; total: number }',
  },
  'GET /api/v1/worklists/unpaid-months': {
    status: 200,
    shape:
      '{ regionCode: string; fiscalYear: number; items: { allocationId: string; regionCode: string; throughPeriod: string | null; months: { period: string; dueDate: string; overdue: boolean; workersDue: number; workersPaid: number; workersUnpaid: number; amountUnpaid: number; workersNoLongerPayable: number }[]; totals: { workersUnpaid: number; amountUnpaid: number } }[]; page: number; pageSize: number; total: number }',
  },
  'GET /api/v1/allocations/{allocationId}/unpaid-months': {
    status: 200,
    shape:
      '{ allocationId: string; fiscalYear: number; throughPeriod: string | null; months: { period: string; dueDate: string; workersUnpaid: number; amountUnpaid: number }[]; totals: { workersUnpaid: number; amountUnpaid: number; workersNoLongerPayable: number } }',
  },
};

/** The non-JSON twins of some answers, also checked. */
const OTHER_MEDIA: Array<{ route: string; status: number; media: string }> = [
  { route: 'GET /api/v1/reports/oversight/{regionCode}', status: 200, media: 'text/csv' },
  { route: 'GET /api/v1/reports/oversight/{regionCode}', status: 200, media: 'application/pdf' },
];

type Schema = {
  $ref?: string;
  type?: string;
  nullable?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: boolean | Schema;
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
};

/** Where a real answer departs from its schema: a missing required field, an unknown field, a wrong type. */
function departures(doc: Document, schema: Schema, value: unknown, at = '$'): string[] {
  if (schema.$ref) return departures(doc, doc.components.schemas[schema.$ref.split('/').pop()!] as Schema, value, at);
  if (value === null) return schema.nullable ? [] : [`${at}: null`];
  if (schema.oneOf) return schema.oneOf.some((s) => departures(doc, s, value, at).length === 0) ? [] : [`${at}: none of oneOf`];
  if (schema.allOf) return schema.allOf.flatMap((s) => departures(doc, s, value, at));
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} not in the enum`];
  switch (schema.type) {
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at}: ${JSON.stringify(value)} is no integer`];
    case 'number':
    case 'string':
    case 'boolean':
      return typeof value === schema.type ? [] : [`${at}: ${JSON.stringify(value)} is no ${schema.type}`];
    case 'array':
      return Array.isArray(value) ? value.flatMap((v, i) => departures(doc, schema.items ?? {}, v, `${at}[${i}]`)) : [`${at}: no array`];
  }
  if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: no object`];
  const record = value as Record<string, unknown>;
  const props = schema.properties ?? {};
  const out = (schema.required ?? []).filter((k) => !(k in record)).map((k) => `${at}.${k}: missing`);
  for (const [k, v] of Object.entries(record)) {
    if (props[k]) out.push(...departures(doc, props[k], v, `${at}.${k}`));
    else if (typeof schema.additionalProperties === 'object') out.push(...departures(doc, schema.additionalProperties, v, `${at}.${k}`));
    else if (schema.additionalProperties !== true) out.push(`${at}.${k}: not in the schema`);
  }
  return out;
}

describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: Document;
  let served: string[];
  beforeAll(async () => {
    t = await startApp();
    doc = (await t.http.get('/docs-json').expect(200)).body as Document;
    served = servedRoutes(t);
  });
  afterAll(async () => t?.close());

  it('lists every route the app serves, and nothing it does not', () => {
    const documented = documentedRoutes(doc);
    expect(served.filter((r) => !documented.includes(r))).toEqual([]);
    // Served outside the router (the dashboard's static middleware): documented all the same.
    expect(documented.filter((r) => !served.includes(r))).toEqual(['GET /dashboard']);
    expect(served.length).toBeGreaterThan(30);
  });

  it('declares Idempotency-Key on every command and consistentWith on every query of /api', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/')) continue;
      for (const [method, op] of Object.entries(item)) {
        const names = (op.parameters ?? []).map((p) => `${p.in}:${p.name}`);
        if (method === 'post')
          expect({ route: `POST ${path}`, names }).toEqual({
            route: `POST ${path}`,
            names: expect.arrayContaining(['header:Idempotency-Key']),
          });
        if (method === 'get')
          expect({ route: `GET ${path}`, names }).toEqual({
            route: `GET ${path}`,
            names: expect.arrayContaining(['query:consistentWith']),
          });
      }
    }
  });

  it('answers errors as application/problem+json with the shared Problem schema, and amounts as integers', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/')) continue;
      for (const [method, op] of Object.entries(item)) {
        const statuses = Object.keys(op.responses);
        expect({ route: `${method} ${path}`, errors: statuses.some((s) => s >= '400') }).toEqual({
          route: `${method} ${path}`,
          errors: true,
        });
        for (const status of statuses.filter((s) => s >= '400')) {
          expect(op.responses[status].content).toEqual({
            'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } },
          });
        }
      }
    }
    const schemas = doc.components.schemas as Record<string, { properties: Record<string, { type?: string }> }>;
    expect(schemas.AllocateFundingDto.properties.amount.type).toBe('integer');
    expect(schemas.AllocateFundingDto.properties.fiscalYear.type).toBe('integer');
    expect(schemas.FundingAnswerDto.properties.allocated.type).toBe('integer');
    expect(schemas.BatchAnswerDto.properties.amount.type).toBe('integer');
  });

  it('describes the answers the app really gives (NTT 2025 allocation, a TTU worker, a monthly batch)', async () => {
    const answerSchema = (method: string, path: string, status: number, media = 'application/json') =>
      (doc.paths[path][method].responses[status].content as Record<string, { schema: Schema }>)[media].schema;
    const expectAnswer = (method: string, path: string, status: number, body: unknown) =>
      expect({ route: `${method} ${path}`, departures: departures(doc, answerSchema(method, path, status), body) }).toEqual({
        route: `${method} ${path}`,
        departures: [],
      });
    const finance = t.as(['finance'], ['ID']);
    const operator = t.as(['operator'], ['53']);
    const auditor = t.as(['auditor'], ['ID']);
    const allocation = await t.http
      .post('/api/v1/allocations')
      .set(finance)
      .set('Idempotency-Key', 'openapi-ntt-2025')
      .send({
        regionCode: '53',
        fundingSource: 'APBD_PROVINSI',
        fiscalYear: 2025,
        amount: 10_080_000_000,
        programName: 'Perlindungan pekerja rentan NTT 2025',
        legalBasis: 'Pergub NTT 2025',
        targetWorkers: 50_000,
        allocatedOn: '2025-07-01',
      })
      .expect(201);
    expectAnswer('post', '/api/v1/allocations', 201, allocation.body);
    const { allocationId } = allocation.body as { allocationId: string };
    const worker = await t.http
      .post('/api/v1/workers')
      .set(operator)
      .send({
        nik: makeNik('53.03.01', '1985-01-07', 'F', 1),
        fullName: 'Maria Bana',
        birthDate: '1985-01-07',
        sex: 'F',
        regionCode: '53.03.01.2005',
        occupation: 'PETANI',
        allocationId,
        enrolledOn: '2025-07-07',
      })
      .expect(201);
    expectAnswer('post', '/api/v1/workers', 201, worker.body);
    const batch = await t.http
      .post('/api/v1/contributions')
      .set(operator)
      .send({ allocationId, period: '2025-08', paidOn: '2025-08-10' })
      .expect(201);
    expectAnswer('post', '/api/v1/contributions', 201, batch.body);
    const position = (batch.body as { position: string }).position;
    const reads: Array<[string, Record<string, string>, Record<string, string>]> = [
      ['/api/v1/funding/{regionCode}', { regionCode: '53' }, { fiscalYear: '2025' }],
      ['/api/v1/coverage/{regionCode}', { regionCode: '53' }, { period: '2025-08' }],
      ['/api/v1/workers/{workerId}', { workerId: (worker.body as { workerId: string }).workerId }, {}],
      ['/api/v1/workers', {}, { regionCode: '53' }],
      ['/api/v1/claims', {}, { regionCode: '53' }],
      ['/api/v1/worklists/lapsing', {}, { regionCode: '53' }],
      ['/api/v1/worklists/unpaid-months', {}, { regionCode: '53', fiscalYear: '2025' }],
      ['/api/v1/allocations/{allocationId}/unpaid-months', { allocationId }, {}],
      ['/api/v1/regions', {}, {}],
      ['/api/v1/audit/findings', {}, { regionCode: '53' }],
      ['/api/v1/audit/allocations/{allocationId}/history', { allocationId }, {}],
      ['/api/v1/audit/checkpoints/latest', {}, {}],
      ['/api/v1/audit/checkpoints', {}, {}],
      ['/api/v1/audit/access-log', {}, {}],
      ['/api/v1/reports/oversight/{regionCode}', { regionCode: '53' }, { asOf: '2025-12-31' }],
    ];
    for (const [template, params, query] of reads) {
      const path = template.replace(/\{(\w+)\}/g, (_, k: string) => params[k]);
      const role = template.includes('/audit/')
        ? auditor
        : template.includes('/reports/')
          ? t.as(['oversight'], ['ID'])
          : t.as(['operator'], ['ID']);
      const res = await t.http
        .get(path)
        .query({ ...query, consistentWith: position })
        .set(role)
        .expect(200);
      expectAnswer('get', template, 200, res.body);
    }
    const verified = await t.http.post('/api/v1/audit/verify').set(auditor).expect(200);
    expectAnswer('post', '/api/v1/audit/verify', 200, verified.body);
    const problem = await t.http.post('/api/v1/allocations').set(finance).send({ amount: 1.5 }).expect(400);
    expect(problem.type).toBe('application/problem+json');
    expect(departures(doc, { $ref: '#/components/schemas/ProblemDto' }, problem.body)).toEqual([]);
  });

  it('passes a redocly lint (recommended rules) with no error', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'openapi.json', config });
    const errors = problems.filter((p) => p.severity === 'error');
    const warnings = problems.filter((p) => p.severity === 'warn');
    const summary = (ps: typeof problems) => ps.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    // The count is part of the test's output (issue 11 asks for it).
    console.info(`redocly lint (recommended): ${errors.length} errors, ${warnings.length} warnings\n${summary(warnings).join('\n')}`);
    expect(summary(errors)).toEqual([]);
  });

  it('gives openapi-typescript the types a client calls every route with', () => {
    const dir = mkdtempSync(join(tmpdir(), 'openapi-client-'));
    try {
      writeFileSync(join(dir, 'openapi.json'), JSON.stringify(doc));
      const cli = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js');
      execFileSync(process.execPath, [cli, join(dir, 'openapi.json'), '-o', join(dir, 'schema.d.ts')], { stdio: 'pipe' });

      const documented = documentedRoutes(doc).filter((r) => r.includes(' /api/'));
      expect(Object.keys(CALLS).sort()).toEqual(documented);
      const lines = [
        "import type { paths } from './schema';",
        "type Method = 'get' | 'post';",
        'type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;',
        'type Answer<P extends keyof paths, M extends Method, S extends number, C extends string> =',
        "  Op<P, M> extends { responses: infer R } ? S extends keyof R ? R[S] extends { content: infer B } ? C extends keyof B ? B[C] : 'no such media type' : 'no content' : 'no such status' : 'no responses';",
        'type Params<P extends keyof paths, M extends Method> = Op<P, M> extends { parameters: infer Q } ? Q : never;',
        'type Body<P extends keyof paths, M extends Method> = Op<P, M> extends { requestBody?: { content: infer B } } ? B : never;',
        'declare function call<P extends keyof paths, M extends Method, S extends number, C extends string = "application/json">(',
        '  method: M, path: P, status: S, init: { params: Params<P, M>; body?: Body<P, M>; accept?: C },',
        '): Promise<Answer<P, M, S, C>>;',
        'declare const anything: never;',
        'type NotNever<T> = [T] extends [never] ? false : true;',
        'export async function everyRoute() {',
      ];
      const check = (route: string, status: number, media: string, shape: string, i: number) => {
        const [method, path] = route.split(' ');
        lines.push(
          `  const a${i} = await call('${method.toLowerCase()}', '${path}', ${status}, { params: anything, accept: '${media}' });`,
          `  const s${i}: ${shape} = a${i};`,
          `  const n${i}: NotNever<typeof a${i}> = true;`,
          `  void s${i}; void n${i};`,
        );
      };
      Object.entries(CALLS).forEach(([route, c], i) => check(route, c.status, c.media ?? 'application/json', c.shape, i));
      OTHER_MEDIA.forEach((o, i) => check(o.route, o.status, o.media, 'string', 1000 + i));
      // The commands' Idempotency-Key and the queries' consistentWith, as the client passes them.
      lines.push(
        "  type Header<P extends keyof paths> = Params<P, 'post'> extends { header?: infer H } ? H : never;",
        "  const key: NonNullable<Header<'/api/v1/allocations'>> = { 'Idempotency-Key': 'alokasi-ntt-2026' };",
        "  type QueryOf<P extends keyof paths> = Params<P, 'get'> extends { query?: infer Q } ? Q : never;",
        "  const query: NonNullable<QueryOf<'/api/v1/funding/{regionCode}'>> = { consistentWith: '00000000000000000001', fiscalYear: '2026' };",
        "  type AllocationBody = Body<'/api/v1/allocations', 'post'>['application/json'];",
        "  const amount: AllocationBody['amount'] extends number ? true : false = true;",
        '  void key; void query; void amount;',
        '}',
      );
      writeFileSync(join(dir, 'client.ts'), lines.join('\n'));
      const program = ts.createProgram([join(dir, 'client.ts')], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        skipLibCheck: false,
        types: [],
        lib: ['lib.es2022.d.ts'],
      });
      const diagnostics = ts
        .getPreEmitDiagnostics(program)
        .map(
          (d) =>
            `${d.file ? `${d.file.fileName.slice(dir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1} ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
        );
      expect(diagnostics).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
