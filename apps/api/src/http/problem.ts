import { HttpException, HttpStatus } from '@nestjs/common';
import type { FieldError } from '@app/domain';

/** RFC 9457 problem details, as every error of the API is answered. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors: FieldError[];
}

const TITLES: Record<number, [slug: string, title: string]> = {
  400: ['invalid-input', 'Invalid input'],
  401: ['unauthorized', 'Authentication required'],
  403: ['forbidden', 'Not allowed'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  409: ['conflict', 'Conflict with the ledger'],
  413: ['payload-too-large', 'Request body too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
  414: ['uri-too-long', 'URI too long'],
  422: ['business-rule', 'Refused by a business rule'],
  429: ['too-many-requests', 'Too many requests'],
  431: ['request-header-fields-too-large', 'Request header fields too large'],
  503: ['not-ready', 'Not ready'],
};

export function problem(status: number, detail: string, errors: FieldError[] = []): Problem {
  const [slug, title] = TITLES[status] ?? (status >= 500 ? ['internal', 'Internal error'] : ['error', 'Error']);
  return { type: `/problems/${slug}`, title, status, detail, errors };
}

/** The read models did not reach the requested position in time. */
export class NotCaughtUpException extends HttpException {
  constructor(
    readonly retryAfterSeconds: number,
    position: string,
  ) {
    super(`the read models have not yet reached position ${position}; try again`, HttpStatus.SERVICE_UNAVAILABLE);
  }
}

/** A rate limit was reached: 429 with Retry-After. */
export class TooManyRequestsException extends HttpException {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'too many requests; try again later',
  ) {
    super(message, HttpStatus.TOO_MANY_REQUESTS);
  }
}
