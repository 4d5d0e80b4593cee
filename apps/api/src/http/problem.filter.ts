import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '@app/domain';
import { NotCaughtUpException, Problem, problem } from './problem';

const STATUS_OF_KIND = { invalid: 400, forbidden: 403, not_found: 404, conflict: 409, rule: 422 } as const;

/** Every error leaves as application/problem+json; a 500 never carries a stack trace. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toProblem(exception);
    if (body.status >= 500 && !(exception instanceof NotCaughtUpException)) {
      this.logger.error((exception as Error)?.stack ?? String(exception));
    }
    if (exception instanceof NotCaughtUpException) response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    response.status(body.status).type('application/problem+json').send(JSON.stringify(body));
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

/** body-parser's errors (malformed JSON, too large) happen before Nest routes: answer them here. */
export function bodyParserErrorHandler(
  error: { type?: string; status?: number; message?: string },
  _req: unknown,
  res: Response,
  next: (err?: unknown) => void,
): void {
  if (!error || typeof error.status !== 'number') return next(error);
  const status = error.type === 'entity.too.large' ? 413 : error.status;
  const detail =
    error.type === 'entity.parse.failed'
      ? 'the body must be a JSON object'
      : error.type === 'entity.too.large'
        ? 'the request body is larger than allowed'
        : (error.message ?? 'the request body could not be read');
  res.status(status).type('application/problem+json').send(JSON.stringify(problem(status, detail)));
}

/** A command body must be JSON: anything else is a 415 before it reaches validation. */
export function requireJsonBody(req: Request, res: Response, next: () => void): void {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (req.method === 'POST' && hasBody && !req.is(['application/json', 'application/*+json'])) {
    res.status(415).type('application/problem+json').send(JSON.stringify(problem(415, 'send the body as application/json')));
    return;
  }
  next();
}
