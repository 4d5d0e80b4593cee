import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Params } from 'nestjs-pino';

const REQUEST_ID = /^[\w.:-]{1,100}$/;
/** Query fields whose values never reach a log line (a NIK search, tokens given in a URL by mistake). */
const SECRET_QUERY_FIELDS = /^(nik|token|access_token|id_token)$/i;

/** A URL as logged: the values of secret query fields replaced. */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  const at = url.indexOf('?');
  if (at < 0) return url;
  const query = url
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const name = pair.split('=')[0];
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // keep the raw name
      }
      return SECRET_QUERY_FIELDS.test(decoded) ? `${name}=[Redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, at)}?${query}`;
}

/**
 * pino-http's options: a request id (given or made), and secrets redacted: the Authorization and
 * Cookie headers, and any `nik` (in a body logged by mistake, or in a NIK search's URL).
 */
export function loggerParams(
  level: string,
  serializeRequest: <T extends { url?: unknown; query?: unknown }>(req: T) => T = (req) => req,
): Params {
  return {
    pinoHttp: {
      level,
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["proxy-authorization"]',
          'res.headers["set-cookie"]',
          'req.body.nik',
          'req.query.nik',
          'body.nik',
          'nik',
          '*.nik',
          'token',
          '*.token',
        ],
        censor: '[Redacted]',
      },
      serializers: {
        req: (req: { url?: string; query?: unknown; [key: string]: unknown }) => serializeRequest({ ...req, url: redactUrl(req.url) }),
      },
    },
  };
}
