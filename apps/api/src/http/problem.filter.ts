import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '@app/domain';
import { NikAlreadyEnrolled } from '@app/ledger';
import type { GuardedRequest } from '../auth/jwt-auth.guard';
import { NotCaughtUpException, Problem, problem, TooManyRequestsException } from './problem';

const STATUS_OF_KIND = { invalid: 400, forbidden: 403, not_found: 404, conflict: 409, rule: 422 } as const;

/** Every error leaves as application/problem+json; a 500 never carries a stack trace. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<GuardedRequest & { log?: { warn(obj: object, msg: string): void } }>();
    const body = this.toProblem(exception);
    if (body.status >= 500 && !(exception instanceof NotCaughtUpException)) {
      this.logger.error((exception as Error)?.stack ?? String(exception));
    }
    if (exception instanceof NotCaughtUpException) response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    if (exception instanceof TooManyRequestsException) response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    if (body.status === 429 && !response.getHeader('Retry-After')) response.setHeader('Retry-After', '60');
    if (exception instanceof NikAlreadyEnrolled && request?.user) {
      // Enrolment is no oracle: these answers are counted per user (then refused with 429) and logged, never with the NIK.
      const count = request.rateLimits?.recordDuplicateNik(request.user.userId) ?? 0;
      request.log?.warn(
        { userId: request.user.userId, role: request.user.actingRole, duplicateNikAnswersThisHour: count },
        'enrolment refused: the NIK is already enrolled',
      );
    }
    send(response, body);
  }

  private toProblem(exception: unknown): Problem {
    if (exception instanceof DomainError) return problem(STATUS_OF_KIND[exception.kind], exception.message, exception.errors);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
      const detail = Array.isArray(message) ? message.join('; ') : String(message ?? exception.message);
      return problem(status, detail);
    }
    return problem(500, 'an unexpected error occurred; it has been logged');
  }
}

export function send(res: Response, body: Problem): void {
  if (res.headersSent) return;
  res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
}

/** What a body-parser error (or one of the checks of the raw body) says, by its type. */
const PARSER_DETAIL: Record<string, string> = {
  'entity.parse.failed': 'the body must be a JSON object',
  'entity.too.large': 'the request body is larger than allowed',
  'encoding.unsupported': 'the body must be UTF-8 JSON',
  'charset.unsupported': 'the body must be UTF-8 JSON',
  'request.aborted': 'the request body was not received whole',
  'request.size.invalid': 'the request body does not have the length it announced',
  'stream.encoding.set': 'the request body could not be read',
  'parameters.too.many': 'the request body has too many parameters',
};

/** body-parser's errors (malformed JSON, too large, and the raw-body checks) happen before Nest routes: answer them here. */
export function bodyParserErrorHandler(
  error: { type?: string; status?: number; statusCode?: number; message?: string; errors?: Problem['errors'] },
  _req: unknown,
  res: Response,
  next: (err?: unknown) => void,
): void {
  const given = error?.status ?? error?.statusCode;
  if (!error || typeof given !== 'number') return next(error);
  const status = error.type === 'entity.too.large' ? 413 : given >= 400 && given < 500 ? given : 400;
  const detail =
    (error.type && PARSER_DETAIL[error.type]) ??
    (error.type === 'entity.hostile' ? (error.message ?? 'the body is not acceptable') : 'the request body could not be read');
  send(res, problem(status, detail, error.errors ?? []));
}

/** Routes that take another media type than JSON (they check their own). */
const NON_JSON_ROUTES = [/^\/api\/v1\/workers\/imports\/?$/];

/** A command body must be JSON: anything else is a 415 before it reaches validation. */
export function requireJsonBody(req: Request, res: Response, next: () => void): void {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (
    req.method === 'POST' &&
    hasBody &&
    !NON_JSON_ROUTES.some((r) => r.test(req.path)) &&
    !req.is(['application/json', 'application/*+json'])
  ) {
    send(res, problem(415, 'send the body as application/json'));
    return;
  }
  next();
}
