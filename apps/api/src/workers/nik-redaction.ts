/**
 * The request as the logs show it, without a NIK: `GET /workers?nik=` takes the NIK in the query
 * string, which pino-http would log (url and query) with every line of the request. The value is
 * replaced, so a log line says that a NIK search happened and nothing more.
 */
const NIK_IN_QUERY = /([?&]nik=)[^&#]*/gi;

export function withoutNikInUrl(url: string): string {
  return url.replace(NIK_IN_QUERY, '$1[redacted]');
}

/** A pino-http `req` serializer: receives the standard serialized request, answers it without the NIK. */
export function redactNikFromRequest<T extends { url?: unknown; query?: unknown }>(req: T): T {
  if (typeof req.url === 'string' && /[?&]nik=/i.test(req.url)) req.url = withoutNikInUrl(req.url);
  if (req.query && typeof req.query === 'object' && 'nik' in (req.query as object))
    req.query = { ...(req.query as object), nik: '[redacted]' };
  return req;
}
