// A raw TCP connection to an HTTP server, for what fetch cannot do: send a request in pieces (or never finish it),
// pipeline requests on one connection, and see exactly when the server answers and when it hangs up.
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawConnection {
  socket: Socket;
  write(data: string | Buffer): void;
  /** Every complete answer received so far, in order. */
  answers(): RawAnswer[];
  /** Resolves with the first answer once it has fully arrived. */
  nextAnswer(): Promise<RawAnswer>;
  /** Resolves when the server has closed the connection. */
  closed: Promise<void>;
}

export async function openRawConnection(port: number): Promise<RawConnection> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let received = Buffer.alloc(0);
  const waiters: Array<() => void> = [];
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    for (const wake of waiters.splice(0)) wake();
  });
  // A server that resets the connection has closed it too.
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  void closed.then(() => {
    for (const wake of waiters.splice(0)) wake();
  });
  const answers = () => parseAnswers(received);
  return {
    socket,
    write: (data) => socket.write(data),
    answers,
    async nextAnswer() {
      for (;;) {
        const [first] = answers();
        if (first !== undefined) return first;
        if (socket.destroyed) throw new Error(`connection closed before a whole answer arrived: ${received.toString('utf8')}`);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    closed,
  };
}

/** Answers with a Content-Length body (what Fastify and Node send for these tests), complete ones only. */
function parseAnswers(bytes: Buffer): RawAnswer[] {
  const answers: RawAnswer[] = [];
  let offset = 0;
  for (;;) {
    const headerEnd = bytes.indexOf('\r\n\r\n', offset);
    if (headerEnd < 0) return answers;
    const [statusLine = '', ...headerLines] = bytes.subarray(offset, headerEnd).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    const bodyStart = headerEnd + 4;
    if (bytes.length < bodyStart + length) return answers;
    answers.push({ status: Number(statusLine.split(' ')[1]), headers, body: bytes.subarray(bodyStart, bodyStart + length).toString('utf8') });
    offset = bodyStart + length;
  }
}
