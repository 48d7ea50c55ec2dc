import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { pino, type Logger } from 'pino';
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
async function appLoggingAt(level: string, makeLogger: (sink: Writable) => Logger = (sink) => createLogger(level, sink)) {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as LogLine));
      done();
    },
  });
  const app = Fastify({ loggerInstance: makeLogger(sink), logController: new OneLinePerRequest() });
  app.get('/v1/things', async () => ({ things: [] }));
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/v1/failing', async () => {
    throw Object.assign(new Error('upstream refused'), { token: 'tok-never-logged' });
  });
  await app.ready();
  return { app, lines };
}

describe('OneLinePerRequest', () => {
  it('logs one line per request at info, on completion, with its method, redacted URL, status and time', async () => {
    const { app, lines } = await appLoggingAt('info');
    const answer = await app.inject({ method: 'GET', url: '/v1/things?token=s3cret&brand=acme', headers: { authorization: 'Bearer k3y-never-logged' } });
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
    expect(JSON.stringify(lines)).not.toContain('k3y-never-logged');
    await app.close();
  });

  it("writes the completed line without the logger's redaction paths, in the order of the request's own logger", async () => {
    // A path that would match a field of the line: the line is not walked (its serializers leave no secret in it).
    const { app, lines } = await appLoggingAt('info', (sink) => pino({ level: 'info', base: { service: 'buzzwatch' }, redact: ['req.method', 'res.statusCode'] }, sink).child({ module: 'api' }));
    await app.inject({ method: 'GET', url: '/v1/things' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ req: { method: 'GET' }, res: { statusCode: 200 } });
    // reqId where a binding of the request's logger stands, before the line's own fields.
    expect(Object.keys(lines[0] ?? {})).toEqual(['level', 'time', 'service', 'module', 'reqId', 'req', 'res', 'responseTime', 'msg']);
    await app.close();
  });

  it("keeps the redaction for a failed request's error, which is logged on a line of its own", async () => {
    const { app, lines } = await appLoggingAt('info');
    const answer = await app.inject({ method: 'GET', url: '/v1/failing' });
    expect(answer.statusCode).toBe(500);
    expect(lines.map((line) => [line.msg, line.res?.statusCode])).toEqual([
      ['upstream refused', 500],
      ['request completed', 500],
    ]);
    expect(JSON.stringify(lines)).not.toContain('tok-never-logged');
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
