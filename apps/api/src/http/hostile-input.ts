import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import { FieldError, InvalidInput } from '@app/domain';
import { problem, Problem } from './problem';
import { send } from './problem.filter';

/** api.md: JSON nested deeper than 32 levels is a 400, checked on the raw body before parsing. */
export const MAX_JSON_DEPTH = 32;
/** Keys that JSON.parse keeps but class-transformer silently drops: refused wherever they appear. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** An error of the raw-body checks, answered by bodyParserErrorHandler as problem+json. */
export class HostileBody extends Error {
  readonly status = 400;
  readonly type = 'entity.hostile';
  constructor(
    message: string,
    readonly errors: FieldError[],
  ) {
    super(message);
  }
}

/** The deepest nesting of a JSON text, stopping as soon as it passes `max` (strings and escapes skipped). */
export function jsonDepthExceeds(buf: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** body-parser's `verify`: runs on the raw bytes before JSON.parse. Invalid UTF-8 and deep nesting are 400s. */
export function verifyJsonBody(_req: IncomingMessage, _res: ServerResponse, buf: Buffer): void {
  try {
    UTF8.decode(buf);
  } catch {
    throw new HostileBody('the body is not valid UTF-8', [{ field: 'body', message: 'must be valid UTF-8' }]);
  }
  if (jsonDepthExceeds(buf, MAX_JSON_DEPTH)) {
    throw new HostileBody(`the body is nested deeper than ${MAX_JSON_DEPTH} levels`, [
      { field: 'body', message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` },
    ]);
  }
}

/** Keys `__proto__`, `constructor`, `prototype` anywhere, and numbers that are not exact (Infinity, beyond 2^53). */
export function hostileFields(value: unknown, prefix: string, out: FieldError[] = [], depth = 0): FieldError[] {
  if (out.length >= 50 || depth > MAX_JSON_DEPTH + 1) return out;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) out.push({ field: prefix, message: 'must be a number that JSON can carry exactly (this one overflows)' });
    else if (Number.isInteger(value) && !Number.isSafeInteger(value))
      out.push({ field: prefix, message: 'must be an exact integer (at most 9007199254740991)' });
    return out;
  }
  if (value === null || typeof value !== 'object') return out;
  if (Array.isArray(value)) {
    // Arrays of 100,000s of ids: only their items that are objects or numbers need a look.
    for (let i = 0; i < value.length && out.length < 50; i++) {
      const item: unknown = value[i];
      if (item !== null && (typeof item === 'object' || typeof item === 'number')) hostileFields(item, `${prefix}[${i}]`, out, depth + 1);
    }
    return out;
  }
  for (const key of Object.keys(value)) {
    const field = prefix ? `${prefix}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key)) out.push({ field, message: 'is not a known field' });
    else hostileFields((value as Record<string, unknown>)[key], field, out, depth + 1);
  }
  return out;
}

/** After parsing: forbidden keys and inexact numbers in the body or the query string are 400s naming the field. */
export function rejectHostileFields(req: Request, _res: Response, next: NextFunction): void {
  const errors = [...hostileFields(req.query, ''), ...(req.body !== undefined ? hostileFields(req.body, '') : [])];
  if (errors.length) return next(new HostileBody(errors.map((e) => `${e.field || 'body'}: ${e.message}`).join('; '), errors));
  next();
}

/** Route templates (`/api/v1/workers/:workerId/exit`), to name the path parameter that could not be decoded. */
export type RouteTemplates = () => string[];

/** A path whose percent-encoding is broken is a 400 naming the parameter (Express would only say "Failed to decode param"). */
export function rejectBadPercentEncoding(templates: RouteTemplates) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const raw = (req.originalUrl ?? req.url ?? '').split('?')[0];
    const segments = raw.split('/');
    const bad = segments.findIndex((s) => {
      try {
        decodeURIComponent(s);
        return false;
      } catch {
        return true;
      }
    });
    if (bad < 0) return next();
    const field = fieldOf(templates(), segments, bad);
    send(
      res,
      problem(400, `${field}: must be validly percent-encoded UTF-8`, [{ field, message: 'must be validly percent-encoded UTF-8' }]),
    );
  };
}

function fieldOf(templates: string[], segments: string[], bad: number): string {
  for (const template of templates) {
    const parts = template.split('/');
    if (parts.length !== segments.length) continue;
    if (parts.every((p, i) => i === bad || p.startsWith(':') || p === segments[i])) {
      const name = parts[bad];
      return name.startsWith(':') ? name.slice(1) : 'path';
    }
  }
  return 'path';
}

/**
 * A route that declares no body (or no query) takes none: a body, or any query field but
 * `consistentWith` on a query, is a 400 (unknown fields are refused everywhere). Routes that read the
 * raw request themselves (`@Req()`) check their own input.
 */
@Injectable()
export class StrictInputInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler) {
    if (context.getType() !== 'http') return next.handle();
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), context.getHandler().name) ?? {}) as Record<string, unknown>;
    const types = new Set(Object.keys(args).map((k) => Number(k.split(':')[0])));
    if (types.has(RouteParamtypes.REQUEST) || types.has(RouteParamtypes.RESPONSE)) return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    const errors: FieldError[] = [];
    if (!types.has(RouteParamtypes.QUERY)) {
      for (const key of Object.keys(request.query ?? {})) {
        if (!(request.method === 'GET' && key === 'consistentWith')) errors.push({ field: key, message: 'is not a known field' });
      }
    }
    if (!types.has(RouteParamtypes.BODY) && request.body !== undefined && request.body !== null) {
      const body: unknown = request.body;
      const empty = typeof body === 'object' && Object.keys(body as object).length === 0 && !Array.isArray(body);
      if (!empty) errors.push({ field: 'body', message: 'this endpoint takes no body' });
    }
    if (errors.length) throw new InvalidInput(errors);
    return next.handle();
  }
}

/** The problem+json a raw socket gets when Node's HTTP parser refuses the request (oversized headers: 431). */
function rawProblem(body: Problem): string {
  const json = JSON.stringify(body);
  return [
    `HTTP/1.1 ${body.status} ${body.title}`,
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(json)}`,
    'X-Content-Type-Options: nosniff',
    'Cache-Control: no-store',
    'Connection: close',
    '',
    json,
  ].join('\r\n');
}

/**
 * Node answers requests its parser refuses (headers or request line too large, malformed) by itself,
 * in plain text: answer them as problem+json instead (431 for oversized headers, else 400).
 */
export function answerClientErrorsAsProblems(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException & { bytesParsed?: number }, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const body =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? problem(431, 'the request headers or the request line are larger than allowed')
        : error.code === 'HPE_REQUEST_TIMEOUT' || error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? { ...problem(408, 'the request was not received in time'), title: 'Request timeout', type: '/problems/request-timeout' }
          : problem(400, 'the request is not well-formed HTTP');
    socket.end(rawProblem(body));
  });
}
