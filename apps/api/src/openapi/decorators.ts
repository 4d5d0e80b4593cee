import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ProblemDto, PROBLEM_MEDIA_TYPE } from './problem.schema';

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed or invalid input: every invalid field is listed in `errors`',
  401: 'No credentials, or a bad or expired token',
  403: 'The role, or the region, is not allowed',
  404: 'Unknown id, or a resource outside the caller’s regions (answered exactly alike)',
  409: 'Conflict with the ledger’s state (or an Idempotency-Key reused with another body)',
  413: 'Request body too large',
  415: 'Unsupported media type',
  422: 'Refused by a business rule',
  429: 'Too many commands from this user: wait `Retry-After` seconds',
  503: 'The read models did not reach `consistentWith` within 5 s (or the service is not ready): retry after `Retry-After` seconds',
};

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', example: 1 } } };

/** Error answers, each an RFC 9457 problem (`application/problem+json`). */
export function ApiProblems(...statuses: number[]) {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...[...new Set(statuses)].map((status) =>
      ApiResponse({
        status,
        description: PROBLEM_DESCRIPTIONS[status] ?? 'Error',
        content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
        ...((status === 429 || status === 503) && { headers: RETRY_AFTER }),
      }),
    ),
  );
}

/** The `Idempotency-Key` header every command (POST) accepts (api.md "General"). */
export function ApiIdempotencyKey(
  description = 'The same key with the same request answers the first answer again and appends nothing; the same key with another body is a 409.',
) {
  return ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: `${description} 1 to 200 visible ASCII characters.`,
    schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]{1,200}$', example: 'alokasi-ntt-2026' },
  });
}

interface AnswerOptions {
  /** The answer's schema class. */
  type: Type<unknown>;
  /** The success status: 200, 201 or 202. */
  status?: 200 | 201 | 202;
  description?: string;
  /** Error statuses besides those every command or query can answer. */
  errors?: number[];
}

/** A command (POST): Idempotency-Key, its answer and its errors (400, 401, 403, 429 always). */
export function ApiCommand({ type, status = 201, description, errors = [] }: AnswerOptions) {
  return applyDecorators(
    ApiIdempotencyKey(),
    ApiResponse({ status, type, description: description ?? (status === 201 ? 'Recorded' : status === 202 ? 'Accepted' : 'Done') }),
    ApiProblems(400, 401, 403, ...errors, 413, 429),
  );
}

/** A query (GET): its answer and its errors (400, 401, 403, 503 for `consistentWith` always). */
export function ApiQueryAnswer({ type, description, errors = [] }: Omit<AnswerOptions, 'status'>) {
  return applyDecorators(ApiResponse({ status: 200, type, description: description ?? 'OK' }), ApiProblems(400, 401, 403, ...errors, 503));
}
