import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { REFERENCE_DATA_ATTRIBUTION } from '@app/domain';
import { AppModule } from './app.module';
import { AppConfig } from './config';
import helmet from 'helmet';
import {
  answerClientErrorsAsProblems,
  rejectBadPercentEncoding,
  rejectHostileFields,
  StrictInputInterceptor,
  verifyJsonBody,
} from './http/hostile-input';
import { bodyParserErrorHandler, requireJsonBody } from './http/problem.filter';
import { createValidationPipe } from './http/validation';
import { describeApi, OPENAPI_EXTRA_MODELS } from './openapi/document';

const JSON_TYPES = ['application/json', 'application/*+json'];

/** 200,000 worker ids are 7.8 MB of JSON: room for them, pretty-printed or not. */
export const LARGE_BODY_LIMIT = '10mb';
const LARGE_BODY_ROUTES = [/^\/api\/v1\/contributions\/?(\?|$)/, /^\/api\/v1\/allocations\/[^/?]+\/sponsorships\/?(\?|$)/];
const isLargeBodyRoute = (url: string) => LARGE_BODY_ROUTES.some((route) => route.test(url));
/** In a body parser's `type` test the request is already Express's (with `is`). */
const isJson = (req: IncomingMessage) => Boolean((req as IncomingMessage & { is(types: string[]): string | false | null }).is(JSON_TYPES));

/** Builds the HTTP app; used by main.ts and by the end-to-end tests. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
    logger: config.logLevel === 'silent' ? false : undefined,
  });
  app.useLogger(app.get(Logger));
  answerClientErrorsAsProblems(app.getHttpServer());
  // Headers on every answer: nosniff, no framing (X-Frame-Options and CSP frame-ancestors, /docs included),
  // no referrer; the rest of a CSP would break the OpenAPI UI and is left to the dashboard's own pages.
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: helmet.contentSecurityPolicy.dangerouslyDisableDefaultSrc, frameAncestors: ["'none'"] },
      },
      frameguard: { action: 'deny' },
      crossOriginEmbedderPolicy: false,
      hsts: false,
    }),
  );
  // Answers about people and money are never kept by a browser or a proxy.
  app.use((req: IncomingMessage, res: import('node:http').ServerResponse, next: () => void) => {
    if ((req.url ?? '').startsWith('/api/')) res.setHeader('Cache-Control', 'no-store');
    next();
  });
  const routes = () => routeTemplates(app);
  app.use(rejectBadPercentEncoding(routes));
  app.use(requireJsonBody);
  // The routes that take 100,000s of named workers (api.md) get a larger body; every other keeps the default.
  // A body parsed by the first parser is skipped by the second. Before JSON.parse: UTF-8 and nesting depth.
  app.useBodyParser('json', {
    limit: LARGE_BODY_LIMIT,
    type: (req) => isLargeBodyRoute(req.url ?? '') && isJson(req),
    verify: verifyJsonBody,
  });
  app.useBodyParser('json', { limit: config.bodyLimit, type: JSON_TYPES, verify: verifyJsonBody });
  app.use(rejectHostileFields);
  app.use(bodyParserErrorHandler);
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalInterceptors(new StrictInputInterceptor());
  app.enableShutdownHooks();

  const openApi = new DocumentBuilder()
    .setTitle('Jaminan sosial pekerja rentan: ledger API')
    .setDescription(
      'The ledger of state-funded BPJS Ketenagakerjaan JKK/JKM contributions for vulnerable informal workers. Errors are application/problem+json. Commands accept Idempotency-Key and answer a `position`; queries accept `consistentWith`. ' +
        `Region codes and population: ${REFERENCE_DATA_ATTRIBUTION}.`,
    )
    .setVersion('1')
    .setLicense('MIT', 'https://opensource.org/license/mit')
    .addServer('/', 'This server')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'HS256 JWT: sub, roles, regions, exp' })
    .build();
  SwaggerModule.setup('docs', app, () => describeApi(SwaggerModule.createDocument(app, openApi, { extraModels: OPENAPI_EXTRA_MODELS })), {
    jsonDocumentUrl: 'docs-json',
  });
  return app;
}

/** The route templates Express knows (`/api/v1/workers/:workerId/exit`), read once routes are registered. */
function routeTemplates(app: NestExpressApplication): string[] {
  const router = (app.getHttpAdapter().getInstance() as { router?: { stack?: Array<{ route?: { path?: unknown } }> } }).router;
  return (router?.stack ?? []).map((layer) => layer.route?.path).filter((p): p is string => typeof p === 'string');
}
