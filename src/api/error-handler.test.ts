// An error can strike after a route has chosen another content type: a streamed export (CSV, NDJSON) whose first
// batch fails. The answer must still be the API's JSON error, not Fastify's own 500 about an unsendable payload.
import { Readable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerErrorHandlers } from './error-handler.js';
import { ApiError, ErrorCode } from './errors.js';

function appStreaming(error: Error) {
  const app = Fastify({ logger: false });
  registerErrorHandlers(app, { queryTimeoutMs: 10_000 });
  app.get('/export', (_request, reply) => {
    const failing = new Readable({
      read() {
        this.destroy(error);
      },
    });
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="mentions.csv"').send(failing);
  });
  return app;
}

describe('errors of a streamed answer before its first byte', () => {
  it('answer the error as JSON, without the attachment header', async () => {
    const app = appStreaming(new ApiError(ErrorCode.validation, 'since must be an ISO 8601 time'));
    const response = await app.inject({ method: 'GET', url: '/export' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['content-disposition']).toBeUndefined();
    expect(response.json()).toEqual({ error: { code: 'BUZZ_ERR_VALIDATION', message: 'since must be an ISO 8601 time' } });
    await app.close();
  });

  it('answer an unexpected one as BUZZ_ERR_INTERNAL', async () => {
    const app = appStreaming(new Error('timestamp out of range'));
    const response = await app.inject({ method: 'GET', url: '/export' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: { code: 'BUZZ_ERR_INTERNAL', message: 'internal error; see the server log' } });
    await app.close();
  });
});
