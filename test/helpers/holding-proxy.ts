// A loopback HTTP proxy in front of a real API that forwards every request as it is (streams included) except those
// the test chooses to hold: a held request is never answered, which is how a hung API looks to its client. Each held
// request tells when its client gave up on it (closed the connection).
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HeldRequest {
  method: string;
  path: string;
  /** Resolves (with Date.now()) when the client closed the request. */
  closed: Promise<number>;
}

export interface HoldingProxy {
  baseUrl: string;
  /** Resolves with the next request `hold` chose to hold. */
  nextHeld(): Promise<HeldRequest>;
  close(): Promise<void>;
}

export async function startHoldingProxy(targetBaseUrl: string, hold: (request: IncomingMessage) => boolean): Promise<HoldingProxy> {
  const target = new URL(targetBaseUrl);
  const held: HeldRequest[] = [];
  const waiting: Array<(request: HeldRequest) => void> = [];
  const server: Server = createServer((incoming, response) => {
    if (hold(incoming)) {
      const request: HeldRequest = {
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        closed: new Promise((resolve) => response.once('close', () => resolve(Date.now()))),
      };
      const waiter = waiting.shift();
      if (waiter === undefined) held.push(request);
      else waiter(request);
      return;
    }
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    response.on('close', () => upstream.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    nextHeld: () => {
      const first = held.shift();
      return first === undefined ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve(first);
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
