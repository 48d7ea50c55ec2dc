// While the server drains for a shutdown, requests still arriving on open connections get a 503 in the API's error
// shape (Fastify's own answer is a different body), and the connection is closed so the client reconnects elsewhere.
import type { FastifyInstance } from 'fastify';
import { ApiError, ErrorCode } from './errors.js';

/** Seconds a client should wait before retrying: another instance (or this one restarted) is usually up by then. */
const RETRY_AFTER_S = 1;

export function refuseRequestsWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    reply.header('connection', 'close').header('retry-after', String(RETRY_AFTER_S));
    throw new ApiError(ErrorCode.unavailable, 'this server is shutting down; retry (another instance will answer)');
  });
}
