import type { OpenAPIObject } from '@nestjs/swagger';
import { ANSWER_MODELS } from './answers';
import { ProblemDto } from './problem.schema';

/** Schemas referenced by `$ref` only (problems, per-key maps), registered with the document. */
export const OPENAPI_EXTRA_MODELS = [ProblemDto, ...ANSWER_MODELS];

const HTML = { 'text/html': { schema: { type: 'string' } } };

/**
 * The routes served outside Nest's controllers, added to the generated document so that it lists
 * every route the app serves: the dashboard's static pages and the OpenAPI UI and document.
 */
export function describeApi(document: OpenAPIObject): OpenAPIObject {
  const unauthenticated = { security: [] as Array<Record<string, string[]>> };
  document.paths['/dashboard'] = {
    get: {
      operationId: 'dashboard',
      summary: 'The web dashboard (static files built into the project; sign in with a token)',
      tags: ['dashboard'],
      ...unauthenticated,
      responses: {
        '200': { description: 'The dashboard page (at /dashboard/; /dashboard redirects there)', content: HTML },
        '301': { description: 'Redirect to /dashboard/' },
      },
    },
  };
  document.paths['/docs'] = {
    get: {
      operationId: 'docsUi',
      summary: 'This document in an OpenAPI UI',
      tags: ['operations'],
      ...unauthenticated,
      responses: { '200': { description: 'The OpenAPI UI', content: HTML } },
    },
  };
  document.paths['/docs-json'] = {
    get: {
      operationId: 'docsJson',
      summary: 'This OpenAPI document',
      tags: ['operations'],
      ...unauthenticated,
      responses: { '200': { description: 'OpenAPI 3 document', content: { 'application/json': { schema: { type: 'object' } } } } },
    },
  };
  // Health, metrics: public (no bearer token), as their controllers say with @Public().
  for (const path of Object.keys(document.paths).filter((p) => !p.startsWith('/api/'))) {
    for (const operation of Object.values(document.paths[path]) as Array<{ security?: unknown }>) {
      if (operation && typeof operation === 'object' && operation.security === undefined) operation.security = [];
    }
  }
  const metrics = document.paths['/metrics']?.get;
  if (metrics) {
    metrics.responses = {
      '200': { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } },
    };
  }
  return document;
}
