// An SSE client on a raw TCP socket, so that a test can make it a really slow client: pause() stops reading from the
// socket (the kernel buffers fill, then the server's own output grows), resume() takes everything again. It keeps
// only what the tests compare (event ids in arrival order, heartbeat count), never the events' data: a stalled
// client may be sent tens of megabytes.
import { connect, type Socket } from 'node:net';

export interface RawSseSocket {
  /** The `id:` of every event received, in order. */
  readonly ids: string[];
  /** `: heartbeat` comments received so far. */
  heartbeats(): number;
  /** Resolves (with Date.now()) when the server closed the connection. */
  readonly closed: Promise<number>;
  isClosed(): boolean;
  /** Resolves once `condition` holds (checked after each chunk received); rejects after `timeoutMs` or on close. */
  until(condition: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  pause(): void;
  resume(): void;
  destroy(): void;
}

const WAIT_MS = 15_000;

/** Sends `GET path` to 127.0.0.1:port; resolves once the status line came, rejecting a status other than 200. */
export function openRawSse(port: number, path: string): Promise<RawSseSocket> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    const ids: string[] = [];
    let heartbeats = 0;
    let pending = '';
    let headersDone = false;
    let closedAt: number | null = null;
    const checks = new Set<() => void>();
    let markClosed: (at: number) => void = () => undefined;
    const closed = new Promise<number>((done) => {
      markClosed = done;
    });
    const stream: RawSseSocket = {
      ids,
      heartbeats: () => heartbeats,
      closed,
      isClosed: () => closedAt !== null,
      until(condition, what, timeoutMs = WAIT_MS) {
        return new Promise((done, fail) => {
          const check = () => {
            if (condition()) finish();
            else if (closedAt !== null) finish(new Error(`the server closed the stream before ${what}; ids: ${ids.length}, heartbeats: ${heartbeats}`));
          };
          const timer = setTimeout(() => finish(new Error(`not ${what} within ${timeoutMs} ms; ids: ${ids.length}, heartbeats: ${heartbeats}`)), timeoutMs);
          const finish = (error?: Error) => {
            clearTimeout(timer);
            checks.delete(check);
            if (error === undefined) done();
            else fail(error);
          };
          checks.add(check);
          check();
        });
      },
      pause: () => socket.pause(),
      resume: () => socket.resume(),
      destroy: () => socket.destroy(),
    };
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      pending += chunk;
      // Line by line: the chunked framing's size lines sit on lines of their own, so they never hide a field.
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline).replace(/\r$/, '');
        pending = pending.slice(newline + 1);
        if (!headersDone) {
          if (line.startsWith('HTTP/1.1 ') && !line.startsWith('HTTP/1.1 200 ')) {
            socket.destroy();
            reject(new Error(`stream refused: ${line}`));
            return;
          }
          if (line === '') {
            headersDone = true;
            resolve(stream);
          }
        } else if (line.startsWith('id: ')) ids.push(line.slice(4));
        else if (line === ': heartbeat') heartbeats += 1;
      }
      for (const check of [...checks]) check();
    });
    socket.on('close', () => {
      closedAt = Date.now();
      markClosed(closedAt);
      for (const check of [...checks]) check();
      if (!headersDone) reject(new Error('closed before the response headers'));
    });
    socket.on('error', () => undefined);
    socket.write(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\naccept: text/event-stream\r\n\r\n`);
  });
}
