import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { REFERENCE_DATA_ATTRIBUTION } from '@app/domain';
import { AppModule } from './app.module';
import { AppConfig } from './config';
import { bodyParserErrorHandler, requireJsonBody } from './http/problem.filter';
import { createValidationPipe } from './http/validation';

/** Builds the HTTP app; used by main.ts and by the end-to-end tests. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
    logger: config.logLevel === 'silent' ? false : undefined,
  });
  app.useLogger(app.get(Logger));
  app.use(requireJsonBody);
  app.useBodyParser('json', { limit: config.bodyLimit, type: ['application/json', 'application/*+json'] });
  app.use(bodyParserErrorHandler);
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

  const openApi = new DocumentBuilder()
    .setTitle('Jaminan sosial pekerja rentan: ledger API')
    .setDescription(
      'The ledger of state-funded BPJS Ketenagakerjaan JKK/JKM contributions for vulnerable informal workers. Errors are application/problem+json. Commands accept Idempotency-Key and answer a `position`; queries accept `consistentWith`. ' +
        `Region codes and population: ${REFERENCE_DATA_ATTRIBUTION}.`,
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi), { jsonDocumentUrl: 'docs-json' });
  return app;
}
