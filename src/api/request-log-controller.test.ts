import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../runtime/logger.js';
import { OneLinePerRequest } from './request-log-controller.js';

interface LogLine {
  level: number;
  msg: string;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
}

/** A Fastify app logging through the process's logger at `level` into `lines`, with two routes. */
async function appLoggingAt(level: string) {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as LogLine));
      done();
    },
  });
  const app = Fastify({ loggerInstance: createLogger(level, sink), logController: new OneLinePerRequest() });
  app.get('/v1/things', async () => ({ things: [] }));
  app.get('/healthz', async () => ({ ok: true }));
  await app.ready();
  return { app, lines };
}

describe('OneLinePerRequest', () => {
  it('logs one line per request at info, on completion, with its method, redacted URL, status and time', async () => {
    const { app, lines } = await appLoggingAt('info');
    const answer = await app.inject({ method: 'GET', url: '/v1/things?token=s3cret&brand=acme' });
    expect(answer.statusCode).toBe(200);
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { method: 'GET', url: '/v1/things?token=[redacted]&brand=acme' },
      res: { statusCode: 200 },
    });
    expect(line?.responseTime).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(lines)).not.toContain('s3cret');
    await app.close();
  });

  it('still logs the arrival of a request at debug', async () => {
    const { app, lines } = await appLoggingAt('debug');
    await app.inject({ method: 'GET', url: '/v1/things' });
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      [20, 'incoming request'],
      [30, 'request completed'],
    ]);
    await app.close();
  });

  it('leaves probe requests out (probe-requests.ts logs them at debug)', async () => {
    const { app, lines } = await appLoggingAt('debug');
    await app.inject({ method: 'GET', url: '/healthz' });
    expect(lines).toEqual([]);
    await app.close();
  });
});
