// How a request appears in the log: Fastify's own fields, with credentials in the query string hidden. A browser's
// live stream carries its stream token in ?token= (EventSource sends no headers), and a client may put a key in a
// URL by mistake (refused, but the line saying so must not record it).
import { redactQueryValues } from '../net/redact-url.js';

/**
 * The request's path and query with the values of credential-like parameters hidden (`token`, `api_key`, `sig`…,
 * names compared as the query parser decodes them): the same rule as every URL buzzwatch shows (redactUrl), with the
 * logger's own censor.
 */
export function redactQuerySecrets(url: string): string {
  return redactQueryValues(url, '[redacted]');
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  headers?: Record<string, unknown>;
  socket?: { remotePort?: number } | null;
}

/** Fastify's request serializer (lib/logger-pino.js) with the URL's secrets redacted. */
export function requestLogFields(request: LoggedRequest) {
  return {
    method: request.method,
    url: typeof request.url === 'string' ? redactQuerySecrets(request.url) : request.url,
    version: request.headers?.['accept-version'],
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
