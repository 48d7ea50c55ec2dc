// An SMTP server on loopback (the smtp-server package) that records every message it accepts, so tests assert the
// exact mail buzzwatch sent.
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface RecordedMail {
  from: string | undefined;
  to: string[];
  /** The user that logged in, when the server asked for a login. */
  user: string | undefined;
  raw: string;
}

export interface RecordingSmtpOptions {
  /** Offer AUTH and accept only this login (logging in stays optional). */
  login?: { user: string; password: string };
  /** Any other smtp-server option, e.g. an onRcptTo that refuses some recipients. */
  overrides?: Partial<SMTPServerOptions>;
}

export interface RecordingSmtp {
  port: number;
  url: string;
  received: RecordedMail[];
  /** Resolves once `count` messages have arrived in all. */
  waitForMessages(count: number, timeoutMs?: number): Promise<RecordedMail[]>;
  close(): Promise<void>;
}

export async function startRecordingSmtp(options: RecordingSmtpOptions = {}): Promise<RecordingSmtp> {
  const received: RecordedMail[] = [];
  const waiters = new Set<() => void>();
  const { login } = options;
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: login === undefined ? ['STARTTLS', 'AUTH'] : ['STARTTLS'],
    logger: false,
    closeTimeout: 1_000,
    onAuth(auth, _session, callback) {
      if (login !== undefined && auth.username === login.user && auth.password === login.password) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom;
        received.push({
          from: from === false ? undefined : from.address,
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          user: typeof session.user === 'string' ? session.user : undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        for (const wake of waiters) wake();
        callback();
      });
    },
    ...options.overrides,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    waitForMessages(count, timeoutMs = 20_000) {
      if (received.length >= count) return Promise.resolve(received.slice(0, count));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${received.length} of ${count} messages arrived within ${timeoutMs} ms`));
        }, timeoutMs);
        const check = () => {
          if (received.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(received.slice(0, count));
        };
        waiters.add(check);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
