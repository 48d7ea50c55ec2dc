// Reads a Server-Sent Events stream over a real HTTP connection (node:http) and parses it as a browser would:
// fields per line, a blank line ends a message, ":" lines are comments. Messages are kept in arrival order.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface SseMessage {
  event?: string;
  id?: string;
  data?: string;
  retry?: number;
  /** A comment line's text (": heartbeat" → "heartbeat"). */
  comment?: string;
}

export interface SseConnection {
  status: number;
  headers: IncomingHttpHeaders;
  /** Every message so far, in order. */
  messages: SseMessage[];
  /** The body of an answer that is not a stream (an error), parsed as JSON. */
  errorBody: any;
  /** The next message (after those `next` returned before) that `matches`; waits for it. */
  next(matches?: (message: SseMessage) => boolean, what?: string): Promise<SseMessage>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

const WAIT_MS = 20_000;

/** Opens `url`; resolves once the status and headers (and, for an error, the whole body) have arrived. */
export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      const messages: SseMessage[] = [];
      const waiters = new Set<() => void>();
      let consumed = 0;
      let pending = '';
      let current: SseMessage = {};
      let endResolve: () => void = () => undefined;
      const ended = new Promise<void>((done) => {
        endResolve = done;
      });
      const dispatch = (message: SseMessage) => {
        messages.push(message);
        for (const waiter of [...waiters]) waiter();
      };
      const connection: SseConnection = {
        status: response.statusCode ?? 0,
        headers: response.headers,
        messages,
        errorBody: null,
        ended,
        close: () => request.destroy(),
        next(matches = () => true, what = 'a message') {
          return new Promise((found, fail) => {
            const look = () => {
              for (let at = consumed; at < messages.length; at += 1) {
                const message = messages[at] as SseMessage;
                if (matches(message)) {
                  consumed = at + 1;
                  waiters.delete(look);
                  clearTimeout(timer);
                  found(message);
                  return;
                }
              }
            };
            const timer = setTimeout(() => {
              waiters.delete(look);
              fail(new Error(`no ${what} within ${WAIT_MS} ms; got ${JSON.stringify(messages.slice(consumed))}`));
            }, WAIT_MS);
            waiters.add(look);
            look();
          });
        },
      };
      response.setEncoding('utf8');
      if (connection.status !== 200) {
        let body = '';
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => {
          connection.errorBody = body === '' ? null : JSON.parse(body);
          endResolve();
          resolve(connection);
        });
        return;
      }
      response.on('data', (chunk: string) => {
        pending += chunk;
        let newline: number;
        while ((newline = pending.search(/\r\n|\r|\n/)) >= 0) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + (pending.startsWith('\r\n', newline) ? 2 : 1));
          if (line === '') {
            if (Object.keys(current).length > 0) dispatch(current);
            current = {};
          } else if (line.startsWith(':')) {
            current.comment = line.slice(1).trimStart();
          } else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'data') current.data = current.data === undefined ? value : `${current.data}\n${value}`;
            else if (field === 'event' || field === 'id') current[field] = value;
            else if (field === 'retry') current.retry = Number(value);
          }
        }
      });
      response.on('end', endResolve);
      response.on('close', endResolve);
      response.on('error', endResolve);
      resolve(connection);
    });
    request.on('error', reject);
    request.end();
  });
}
