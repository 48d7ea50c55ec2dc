// fetch that hands over the body as the server sent it, compressed or not. fetch's own decoding is lenient (a gzip,
// deflate or brotli body cut off mid-stream ends quietly with what was decoded so far), so a feed whose transfer broke
// read as a short or empty feed; the body is decoded by content-decoding.ts instead, which says when it is cut off.
import { Agent, fetch, type Dispatcher, type RequestInit, type Response } from 'undici';

// fetch decodes by Content-Encoding: under another name it leaves the body alone, and the name is restored after.
const HIDDEN_CONTENT_ENCODING = 'x-buzzwatch-content-encoding';

const hideContentEncoding: Dispatcher.DispatchInterceptor = (dispatch) => (options, handler) =>
  dispatch(options, {
    // Every callback but onHeaders goes to fetch's own handler as it is.
    ...bound(handler),
    onHeaders: (status, rawHeaders, resume, statusText) =>
      handler.onHeaders?.(status, rawHeaders.map((part, index) => (index % 2 === 0 && isContentEncoding(part) ? Buffer.from(HIDDEN_CONTENT_ENCODING) : part)), resume, statusText) ?? true,
  });

function isContentEncoding(name: Buffer): boolean {
  return name.length === 16 && name.toString('latin1').toLowerCase() === 'content-encoding';
}

function bound(handler: Dispatcher.DispatchHandlers): Dispatcher.DispatchHandlers {
  const methods: Record<string, unknown> = {};
  for (const name of ['onConnect', 'onError', 'onUpgrade', 'onResponseStarted', 'onData', 'onComplete', 'onBodySent'] as const) {
    const method = handler[name] as ((...args: unknown[]) => unknown) | undefined;
    if (method !== undefined) methods[name] = method.bind(handler);
  }
  return methods as Dispatcher.DispatchHandlers;
}

const undecodingAgent = new Agent().compose(hideContentEncoding);

export interface UndecodedResponse {
  response: Response;
  /** The headers as the server sent them, Content-Encoding included. */
  headers: Headers;
  /** The body's Content-Encoding, null when it has none. */
  contentEncoding: string | null;
}

export async function fetchUndecoded(url: URL, init: Omit<RequestInit, 'dispatcher'>): Promise<UndecodedResponse> {
  const response = await fetch(url, { ...init, dispatcher: undecodingAgent });
  const headers = new Headers(response.headers as unknown as Headers);
  const contentEncoding = headers.get(HIDDEN_CONTENT_ENCODING);
  headers.delete(HIDDEN_CONTENT_ENCODING);
  if (contentEncoding !== null) headers.set('content-encoding', contentEncoding);
  return { response, headers, contentEncoding };
}
