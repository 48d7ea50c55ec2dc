// Every call to the API: the key goes in the Authorization header (never in a URL), and a failure becomes an
// ApiProblem whose message a person can act on.
import { ApiProblem } from './api-problem.js';
import { currentKey } from './session.js';

export { ApiProblem };

export type Scope = 'read' | 'write' | 'admin';

export type Query = Record<string, string | number | boolean | null | undefined>;

export function queryString(query: Query): string {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === '') continue;
    parameters.set(name, String(value));
  }
  const text = parameters.toString();
  return text === '' ? '' : `?${text}`;
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  key?: string;
  /** Aborts the request (and the reading of its body); the call then fails as "not reachable". */
  signal?: AbortSignal;
}

export async function request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const key = options.key ?? currentKey();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${path}${queryString(options.query ?? {})}`, {
      method,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      cache: 'no-store',
      credentials: 'omit',
      signal: options.signal ?? null,
    });
  } catch {
    throw new ApiProblem('The API is not reachable: check that buzzwatch is running and the network is up, then try again.', 0);
  }
  if (response.ok) return response;
  throw await problemOf(response);
}

async function problemOf(response: Response): Promise<ApiProblem> {
  let code: string | null = null;
  let message = '';
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    code = body.error?.code ?? null;
    message = body.error?.message ?? '';
  } catch {
    // Not our JSON error shape (a proxy's page): the status says enough.
  }
  switch (response.status) {
    case 401:
      return new ApiProblem('The key was refused or expired — sign in again.', 401, code);
    case 403:
      return new ApiProblem(`This key may not do that (${message || 'it needs a key with more rights'}).`, 403, code);
    case 429:
      return new ApiProblem(`Too many requests with this key: wait ${response.headers.get('retry-after') ?? 'a few'} seconds and try again.`, 429, code);
    case 502:
    case 503:
    case 504:
      return new ApiProblem(
        code === 'BUZZ_ERR_BUSY'
          ? `The API is busy (${message}); try again in a moment.`
          : `The API is not reachable right now${message === '' ? '' : ` (${message})`}; try again in a moment.`,
        response.status,
        code,
      );
    default:
      return new ApiProblem(message === '' ? `The API answered HTTP ${response.status}.` : message, response.status, code);
  }
}

export async function getJson<Body>(path: string, query: Query = {}): Promise<Body> {
  return (await (await request('GET', path, { query })).json()) as Body;
}

export async function sendJson<Body>(method: string, path: string, body?: unknown, options: { signal?: AbortSignal } = {}): Promise<Body | null> {
  const response = await request(method, path, { body, ...options });
  return response.status === 204 ? null : ((await response.json()) as Body);
}

/**
 * Downloads a file the API makes (an export) with the key in the header: fetched into a Blob and saved through an
 * object URL, because a plain link would have to carry the key in its URL.
 */
export async function download(path: string, query: Query, fallbackName: string): Promise<{ name: string; bytes: number }> {
  const response = await request('GET', path, { query });
  const blob = await response.blob();
  const disposition = response.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser the moment it needs to start saving before the object URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { name, bytes: blob.size };
}
