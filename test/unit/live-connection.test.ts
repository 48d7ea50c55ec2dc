// The dashboard's live connection loop (src/api/web/live-connection.ts) in Node, against a real loopback HTTP server
// that answers POST /v1/stream-tokens as each test says, or never: a token request that hangs is aborted after
// tokenTimeoutMs (the server sees its connection close), the loop waits its backoff and asks again, then opens the
// stream with the new token from the last event seen. Only the browser's EventSource is stood in for: it records
// the URL it was given, and the test reports its open, events and errors.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiProblem } from '../../src/api/web/api-problem.js';
import { connectLive, type LiveConnection, type LiveConnectionOptions, type LiveState, type StreamCallbacks } from '../../src/api/web/live-connection.js';

// Long enough that a request the test answers at once is answered in time on a loaded machine.
const TOKEN_TIMEOUT_MS = 1_000;
const FIRST_RETRY_MS = 100;

/** One POST /v1/stream-tokens as the server saw it: when it came, and when its connection closed. */
interface TokenRequest {
  arrivedAt: number;
  closed: Promise<number>;
  answer(status: number, body: object): void;
}

/** A loopback server that hands each token request to the test (which may never answer it). */
async function startTokenServer(): Promise<{ url: string; next(): Promise<TokenRequest>; close(): Promise<void> }> {
  const arrived: TokenRequest[] = [];
  const waiting: Array<(request: TokenRequest) => void> = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== 'POST' || request.url !== '/v1/stream-tokens') {
      response.writeHead(404).end();
      return;
    }
    const tokenRequest: TokenRequest = {
      arrivedAt: Date.now(),
      closed: new Promise((resolve) => response.once('close', () => resolve(Date.now()))),
      answer: (status, body) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
    };
    const waiter = waiting.shift();
    if (waiter === undefined) arrived.push(tokenRequest);
    else waiter(tokenRequest);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    next: () => {
      const first = arrived.shift();
      return first === undefined ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve(first);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Everything the loop reported, and the streams it opened; `waitFor` resolves once a report matches. */
function recorder() {
  const states: Array<[LiveState, string]> = [];
  const events: Array<[string, string]> = [];
  const streams: Array<{ url: string; callbacks: StreamCallbacks; closed: boolean }> = [];
  const checks = new Set<() => void>();
  const changed = () => {
    for (const check of [...checks]) check();
  };
  return {
    states,
    events,
    streams,
    handlers: {
      event: (kind: string, data: string) => {
        events.push([kind, data]);
        changed();
      },
      state: (state: LiveState, detail: string) => {
        states.push([state, detail]);
        changed();
      },
      refused: () => undefined,
    },
    openStream: (url: string, callbacks: StreamCallbacks) => {
      const stream = { url, callbacks, closed: false };
      streams.push(stream);
      changed();
      return { close: () => void (stream.closed = true) };
    },
    waitFor(condition: () => boolean): Promise<void> {
      return new Promise((resolve) => {
        const check = () => {
          if (!condition()) return;
          checks.delete(check);
          resolve();
        };
        checks.add(check);
        check();
      });
    },
  };
}

describe('the dashboard live connection', () => {
  const cleanups: Array<() => Promise<void> | void> = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const start = async () => {
    const server = await startTokenServer();
    cleanups.push(server.close);
    const record = recorder();
    const options: LiveConnectionOptions = {
      requestToken: async (signal) => {
        const response = await fetch(`${server.url}/v1/stream-tokens`, { method: 'POST', signal });
        return ((await response.json()) as { token: string }).token;
      },
      openStream: record.openStream,
      streamUrl: `${server.url}/v1/stream`,
      tokenTimeoutMs: TOKEN_TIMEOUT_MS,
      firstRetryMs: FIRST_RETRY_MS,
      longestRetryMs: 1_000,
    };
    // The first token request's timer starts within connectLive: nothing it times can end sooner after this.
    const startedAt = Date.now();
    const connection: LiveConnection = connectLive(record.handlers, options);
    cleanups.push(() => connection.stop());
    return { server, record, connection, startedAt };
  };

  it('gives up a token request the API does not answer, waits longer after each failure, then opens the stream', async () => {
    const { server, record, startedAt } = await start();
    const first = await server.next();
    // Never answered: the loop aborts it once tokenTimeoutMs is over, and the server sees the connection go.
    expect((await first.closed) - startedAt).toBeGreaterThanOrEqual(TOKEN_TIMEOUT_MS);
    const second = await server.next();
    expect(second.arrivedAt - startedAt).toBeGreaterThanOrEqual(TOKEN_TIMEOUT_MS + FIRST_RETRY_MS);
    await second.closed;
    const third = await server.next();
    expect(third.arrivedAt - startedAt).toBeGreaterThanOrEqual(2 * TOKEN_TIMEOUT_MS + FIRST_RETRY_MS + 2 * FIRST_RETRY_MS);
    // Answered from the third request on. On a machine loaded enough to hold this process past the 1 s, an answer can
    // still come too late and the request is asked again: each one is answered until the stream opens.
    let answered = 0;
    const answerEach = (request: TokenRequest) => {
      answered += 1;
      request.answer(201, { token: `token-${2 + answered}`, expires_at: '2026-12-05T03:00:00.000Z' });
      if (record.streams.length === 0) void server.next().then(answerEach);
    };
    answerEach(third);
    await record.waitFor(() => record.streams.length === 1);
    expect(record.streams[0]?.url).toBe(`${server.url}/v1/stream?token=token-${2 + answered}`);
    record.streams[0]?.callbacks.open();
    const tooLate = (answered - 1) * 2;
    expect(record.states.slice(0, 5)).toEqual([
      ['connecting', 'connecting'],
      ['reconnecting', 'The API did not answer within 1 s; trying again in 0.1 s'],
      ['connecting', 'connecting'],
      ['reconnecting', 'The API did not answer within 1 s; trying again in 0.2 s'],
      ['connecting', 'connecting'],
    ]);
    expect(record.states.slice(5 + tooLate)).toEqual([['live', 'live']]);
  });

  it('after a stream drops, asks for a fresh token and resumes from the last event, from the first wait again', async () => {
    const { server, record } = await start();
    (await server.next()).answer(201, { token: 'token-1' });
    await record.waitFor(() => record.streams.length === 1);
    const stream = record.streams[0] as (typeof record.streams)[number];
    stream.callbacks.open();
    stream.callbacks.event('mention', '{"id":"m1"}', '1764922334120-0');
    stream.callbacks.error();
    expect(stream.closed).toBe(true);
    // The stream had opened, so the drop waits the first delay again; the hung request after it is given up too.
    await (await server.next()).closed;
    (await server.next()).answer(201, { token: 'token-2' });
    await record.waitFor(() => record.streams.length === 2);
    expect(record.streams[1]?.url).toBe(`${server.url}/v1/stream?token=token-2&last_event_id=1764922334120-0`);
    expect(record.events).toEqual([['mention', '{"id":"m1"}']]);
    expect(record.states.slice(1)).toEqual([
      ['live', 'live'],
      ['reconnecting', 'the live stream was interrupted; trying again in 0.1 s'],
      ['reconnecting', 'connecting'],
      ['reconnecting', 'The API did not answer within 1 s; trying again in 0.2 s'],
      ['reconnecting', 'connecting'],
    ]);
  });

  it('aborts a pending token request when stopped, and opens nothing', async () => {
    const { server, record, connection } = await start();
    const pending = await server.next();
    connection.stop();
    await pending.closed;
    expect(record.states).toEqual([
      ['connecting', 'connecting'],
      ['off', 'stopped'],
    ]);
    expect(record.streams).toEqual([]);
  });

  it('stops for good when the key is refused', async () => {
    const refusals: number[] = [];
    const server = await startTokenServer();
    cleanups.push(server.close);
    const record = recorder();
    const connection = connectLive(
      { ...record.handlers, refused: (problem) => refusals.push(problem.status) },
      {
        requestToken: async (signal) => {
          const response = await fetch(`${server.url}/v1/stream-tokens`, { method: 'POST', signal });
          if (response.status === 401) throw new ApiProblem('The key was refused or expired — sign in again.', 401);
          return ((await response.json()) as { token: string }).token;
        },
        openStream: record.openStream,
        streamUrl: `${server.url}/v1/stream`,
        tokenTimeoutMs: TOKEN_TIMEOUT_MS,
        firstRetryMs: FIRST_RETRY_MS,
        longestRetryMs: 1_000,
      },
    );
    cleanups.push(() => connection.stop());
    (await server.next()).answer(401, { error: { code: 'BUZZ_ERR_UNAUTHORIZED', message: 'unknown key' } });
    await record.waitFor(() => record.states.some(([state]) => state === 'off'));
    expect(refusals).toEqual([401]);
    expect(record.states).toEqual([
      ['connecting', 'connecting'],
      ['off', 'signed out'],
    ]);
  });
});
