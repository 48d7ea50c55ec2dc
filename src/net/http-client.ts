// The one HTTP client for outbound calls: every source and notifier goes through it, so limits are the same everywhere.
import { decodedContent } from './content-decoding.js';
import { OutboundError } from './outbound-error.js';
import { isSecretName, redactUrl } from './redact-url.js';
import { fetchUndecoded, type UndecodedResponse } from './undecoded-fetch.js';

export interface HttpClientOptions {
  timeoutMs: number;
  maxBodyBytes: number;
  maxRedirects: number;
  userAgent: string;
}

export const DEFAULT_HTTP_OPTIONS: HttpClientOptions = {
  timeoutMs: 15_000,
  maxBodyBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  userAgent: 'buzzwatch/0.1 (+https://github.com/buzzwatch/buzzwatch; brand-mention monitor)',
};

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  /** Overrides the client's timeout for this request. */
  timeoutMs?: number;
  /** Overrides the client's body cap for this request (a source's max_body_size). */
  maxBodyBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** The URL that answered, after redirects. */
  url: string;
  body: Buffer;
}

export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export function createHttpClient(overrides: Partial<HttpClientOptions> = {}): HttpClient {
  const options = { ...DEFAULT_HTTP_OPTIONS, ...overrides };
  return {
    request: (request) => requestWithLimits(request, options),
  };
}

async function requestWithLimits(request: HttpRequest, options: HttpClientOptions): Promise<HttpResponse> {
  const timeoutMs = request.timeoutMs ?? options.timeoutMs;
  // One deadline covers redirects, headers and the whole body: a server that trickles bytes cannot hold a worker.
  const deadline = AbortSignal.timeout(timeoutMs);
  let url = parseHttpUrl(request.url);
  let method = request.method ?? 'GET';
  let body = request.body;
  let headers = withUserinfoAsBasicAuth(url, request.headers ?? {});
  url = withoutUserinfo(url);
  for (let redirects = 0; ; redirects++) {
    const answer = await fetchOnce(url, method, body, headers, options, deadline, timeoutMs);
    const { response } = answer;
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || location === null) {
      const bytes = await readCapped(answer, request.maxBodyBytes ?? options.maxBodyBytes, url, deadline, timeoutMs);
      return { status: response.status, headers: answer.headers, url: url.toString(), body: bytes };
    }
    await response.body?.cancel();
    if (redirects >= options.maxRedirects) {
      throw new OutboundError('redirects', `more than ${options.maxRedirects} redirects from ${url.host}`);
    }
    const nextUrl = parseHttpUrl(location, url);
    // Credentials are for the origin they were given for: a redirect elsewhere must not carry them along (a
    // Location with its own userinfo brings its own).
    if (nextUrl.origin !== url.origin) headers = withoutCredentials(headers);
    headers = withUserinfoAsBasicAuth(nextUrl, headers);
    url = withoutUserinfo(nextUrl);
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
    }
  }
}

const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/**
 * `http://user:password@host/` is HTTP Basic authentication written into the URL; fetch refuses such URLs (with an
 * error quoting the password), so the userinfo becomes the Authorization header, unless one is given already.
 */
function withUserinfoAsBasicAuth(url: URL, headers: Record<string, string>): Record<string, string> {
  if (url.username === '' && url.password === '') return headers;
  if (Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) return headers;
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { ...headers, authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` };
}

function withoutUserinfo(url: URL): URL {
  if (url.username === '' && url.password === '') return url;
  const bare = new URL(url);
  bare.username = '';
  bare.password = '';
  return bare;
}

// Besides the standard ones, a header named like a credential (a feed's `headers: { X-Api-Key: ... }`, X-Auth-Token,
// Private-Token) stays with its origin too: it was forwarded to wherever a redirect pointed.
function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !CREDENTIAL_HEADERS.has(name.toLowerCase()) && !isSecretName(name)));
}

function parseHttpUrl(text: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw new OutboundError('invalid_url', `not a valid URL: ${redactUrl(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OutboundError('invalid_url', `only http and https URLs can be fetched, not ${url.protocol}`);
  }
  return url;
}

async function fetchOnce(
  url: URL,
  method: string,
  body: string | undefined,
  headers: Record<string, string>,
  options: HttpClientOptions,
  deadline: AbortSignal,
  timeoutMs: number,
): Promise<UndecodedResponse> {
  try {
    return await fetchUndecoded(url, {
      method,
      body,
      redirect: 'manual',
      signal: deadline,
      headers: { 'user-agent': options.userAgent, 'accept-encoding': 'gzip, br, deflate', ...headers },
    });
  } catch (error) {
    throw toOutboundError(error, url, deadline, timeoutMs);
  }
}

async function readCapped(
  { response, contentEncoding }: UndecodedResponse,
  maxBytes: number,
  url: URL,
  deadline: AbortSignal,
  timeoutMs: number,
): Promise<Buffer> {
  const declaredLength = Number(response.headers.get('content-length'));
  if (declaredLength > maxBytes && contentEncoding === null) {
    await response.body?.cancel();
    throw tooLarge(url, maxBytes);
  }
  if (response.body === null) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let received = 0;
  try {
    // Counted after decompression, so a small gzip bomb is stopped as well as a large plain body. Leaving the loop
    // cancels the body.
    for await (const chunk of decodedContent(response.body, contentEncoding, url.host)) {
      received += chunk.byteLength;
      if (received > maxBytes) throw tooLarge(url, maxBytes);
      chunks.push(Buffer.from(chunk));
    }
  } catch (error) {
    throw toOutboundError(error, url, deadline, timeoutMs, 'body');
  }
  return Buffer.concat(chunks);
}

function tooLarge(url: URL, maxBytes: number): OutboundError {
  return new OutboundError('too_large', `response from ${url.host} is larger than ${formatBytes(maxBytes)}`);
}

function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}

// `phase` 'body': the server answered and the connection broke while its body was read, which is no "cannot reach"
// (a feed cut off mid-body read "cannot reach HOST: UND_ERR_SOCKET" though the host had answered).
function toOutboundError(error: unknown, url: URL, deadline: AbortSignal, timeoutMs: number, phase: 'request' | 'body' = 'request'): OutboundError {
  if (error instanceof OutboundError) return error;
  if (deadline.aborted) return new OutboundError('timeout', `no complete answer from ${url.host} within ${timeoutMs / 1000} s`);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: string } | null)?.code;
  const detail = code ?? (cause instanceof Error ? cause.message : String(cause));
  if (phase === 'body') return new OutboundError('network', `the answer from ${url.host} was cut off before its end: ${detail}`);
  return new OutboundError('network', `cannot reach ${url.host}: ${detail}`);
}
