// How a request appears in the log: Fastify's own fields, with credentials in the query string hidden. A browser's
// live stream carries its stream token in ?token= (EventSource sends no headers), and a client may put a key in a
// URL by mistake (refused, but the line saying so must not record it).

/** Query parameters whose values never reach a log line. */
const SECRET_PARAMETERS = ['token', 'key', 'api_key', 'apikey', 'access_token', 'secret', 'password'];
const SECRET_VALUE = new RegExp(`([?&](?:${SECRET_PARAMETERS.join('|')})=)[^&#]*`, 'gi');

export function redactQuerySecrets(url: string): string {
  return url.replace(SECRET_VALUE, '$1[redacted]');
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
