// A real HTTP server on loopback that plays a remote service: routes answer with fixtures (or misbehave on
// purpose) and every request is recorded so tests can assert exactly what buzzwatch sent.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type RouteHandler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

export interface FixtureServer {
  baseUrl: string;
  requests: RecordedRequest[];
  requestsTo(path: string): RecordedRequest[];
  route(path: string, handler: RouteHandler): void;
  close(): Promise<void>;
}

export async function startFixtureServer(): Promise<FixtureServer> {
  const routes = new Map<string, RouteHandler>();
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://fixture.test');
      const recorded: RecordedRequest = {
        method: incoming.method ?? 'GET',
        path: url.pathname,
        url,
        headers: incoming.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(recorded);
      const handler = routes.get(url.pathname);
      if (handler === undefined) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('no such fixture');
        return;
      }
      hanging.add(response);
      response.on('close', () => hanging.delete(response));
      Promise.resolve(handler(recorded, response)).catch((error: Error) => {
        response.writeHead(500).end(error.message);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (path) => requests.filter((request) => request.path === path),
    route: (path, handler) => {
      routes.set(path, handler);
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A handler that serves `body` with `contentType` and answers 304 when the client sends the matching ETag. */
export function serveFeed(body: string | Buffer, contentType: string, options: { etag?: string } = {}): RouteHandler {
  return (request, response) => {
    if (options.etag !== undefined && request.headers['if-none-match'] === options.etag) {
      response.writeHead(304, { etag: options.etag }).end();
      return;
    }
    const headers: Record<string, string> = { 'content-type': contentType };
    if (options.etag !== undefined) headers.etag = options.etag;
    response.writeHead(200, headers).end(body);
  };
}

/** A handler that never answers (the client must time out). */
export const neverAnswer: RouteHandler = () => undefined;

/**
 * http.timeout, in seconds, for a test system polling loopback fixtures that include one that never answers: how
 * long that one is waited for, and also what every other answer must come within. The least allowed (1 s) was not
 * enough for the latter: with the whole suite running on two cores, answers took more than a second.
 */
export const FIXTURE_HTTP_TIMEOUT_S = 5;
