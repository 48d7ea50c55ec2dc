// How long the HTTP server waits for clients. Without limits (Fastify's default) a client trickling a body, or
// never finishing its headers, holds a connection for as long as it likes.
import type { ServerOptions } from 'node:http';

export interface ServerTimeouts {
  /** Headers and body must have arrived within this (api.request_timeout): 408 and the connection is closed. */
  requestTimeoutMs: number;
  /** A connection on which nothing moves for this long (a client that stopped reading an answer) is closed. */
  idleTimeoutMs: number;
  /** Node's options for http.createServer: the request deadline and how often it is checked. */
  http: ServerOptions;
}

export function serverTimeouts(requestTimeoutMs: number): ServerTimeouts {
  return {
    requestTimeoutMs,
    // Longer than any answer takes to compute (api.query_timeout and the pool wait are far shorter).
    idleTimeoutMs: 2 * requestTimeoutMs,
    http: {
      requestTimeout: requestTimeoutMs,
      headersTimeout: requestTimeoutMs,
      // Node checks deadlines at this interval (30 s by default): often enough to cut a client off near its
      // deadline, rarely enough to cost nothing.
      connectionsCheckingInterval: Math.min(Math.max(Math.floor(requestTimeoutMs / 4), 100), 2_000),
    },
  };
}
