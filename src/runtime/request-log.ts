// How a request appears in the log: Fastify's own fields, with credentials in the query string hidden. A browser's
// live stream carries its stream token in ?token= (EventSource sends no headers), and a client may put a key in a
// URL by mistake (refused, but the line saying so must not record it).

/** Query parameters whose values never reach a log line. */
const SECRET_PARAMETERS = ['token', 'key', 'api_key', 'apikey', 'access_token', 'secret', 'password'];
const SECRET_VALUE = new RegExp(`([?&](?:${SECRET_PARAMETERS.join('|')})=)[^&#]*`, 'gi');
const SECRET_NAMES = new Set(SECRET_PARAMETERS);

export function redactQuerySecrets(url: string): string {
  const redacted = url.replace(SECRET_VALUE, '$1[redacted]');
  const queryStart = redacted.indexOf('?');
  if (queryStart === -1 || redacted.indexOf('%', queryStart) === -1) return redacted;
  return redactEncodedNames(redacted, queryStart);
}

/**
 * The query parser decodes parameter names (`?%74oken=abc` is read as `token`), so a name with a percent escape is
 * decoded before it is compared; its value is hidden when the name is a secret one.
 */
function redactEncodedNames(url: string, queryStart: number): string {
  const fragmentStart = url.indexOf('#', queryStart);
  const queryEnd = fragmentStart === -1 ? url.length : fragmentStart;
  const pairs = url.slice(queryStart + 1, queryEnd).split('&');
  for (let at = 0; at < pairs.length; at += 1) {
    const pair = pairs[at] as string;
    const nameEnd = pair.indexOf('=');
    if (nameEnd === -1) continue;
    const name = pair.slice(0, nameEnd);
    if (name.includes('%') && SECRET_NAMES.has(decodedName(name).toLowerCase())) pairs[at] = `${name}=[redacted]`;
  }
  return `${url.slice(0, queryStart + 1)}${pairs.join('&')}${url.slice(queryEnd)}`;
}

/** A parameter name as the query parser reads it ('+' a space, percent escapes decoded); as it is if malformed. */
function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
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
