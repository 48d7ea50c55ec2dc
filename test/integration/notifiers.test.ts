// The notifiers against real loopback servers: a fake Slack, an SMTP server (smtp-server) and a webhook receiver.
// Each answer a channel can give maps to delivered, retryable or not, and no error message leaks a secret.
import type { ServerResponse } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { alternativeParts, decodeEncodedWords, mimeEntity } from '../helpers/mime-message.js';
import { startRecordingSmtp, type RecordingSmtp } from '../helpers/recording-smtp.js';
import { Value } from '@sinclair/typebox/value';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../src/alerts/alert-event.js';
import { emailParts } from '../../src/alerts/notifiers/email-message.js';
import { DeliveryError, type ChannelConfig, type Notifier, type NotifierDeps } from '../../src/alerts/notifiers/notifier.js';
import { knownChannelTypes, notifierKindFor, notifierKinds } from '../../src/alerts/notifiers/registry.js';
import { slackMessage } from '../../src/alerts/notifiers/slack-message.js';
import { webhookPayload } from '../../src/alerts/notifiers/webhook-payload.js';
import { schemaProblems } from '../../src/config/schema-problems.js';
import { DEFAULT_HTTP_OPTIONS, createHttpClient } from '../../src/net/http-client.js';
import { verifySignature } from '../../src/net/webhook-signature.js';
import { neverAnswer, startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { closedPort } from '../helpers/ports.js';
import { fixtureMessages, messageTo } from '../fixtures/alert-events.js';

const deps: NotifierDeps = { http: createHttpClient(), timeoutMs: 5_000 };

// Real messages of the fixture's alert (rules over mentions held in memory, buildAlertEvent): the firing to the e-mail
// channel names one rule, the resolved message two.
const messages = await fixtureMessages();
function alertEvent(kind: 'firing' | 'resolved' = 'firing'): AlertEvent {
  return messageTo(messages, kind, 'pr-email');
}
const FIRING_ID = 'al_40bb0d11dc51f8a3ef9e-pr-email-1-firing';
const RESOLVED_ID = 'al_40bb0d11dc51f8a3ef9e-pr-email-4-resolved';

/** The DeliveryError a send rejects with; fails the test when it resolves or rejects with anything else. */
async function deliveryErrorOf(pending: Promise<void>): Promise<DeliveryError> {
  const error: unknown = await pending.then(
    () => new Error('expected the send to fail, it succeeded'),
    (rejection: unknown) => rejection,
  );
  if (!(error instanceof DeliveryError)) throw new Error(`expected a DeliveryError, got ${String(error)}`);
  return error;
}

/** Answers each request with the next status of `statuses` (the last one repeats) and `body`. */
function answerWith(statuses: number[], body: (status: number) => string) {
  let answered = 0;
  return (_request: unknown, response: ServerResponse) => {
    const status = statuses[Math.min(answered, statuses.length - 1)] as number;
    answered += 1;
    response.writeHead(status, { 'content-type': 'text/plain' }).end(body(status));
  };
}

describe('slack notifier', () => {
  const WEBHOOK_PATH = '/services/T0001/B0001/xoxSECRETtokenPart';
  let slack: FixtureServer;
  let host: string;

  beforeAll(async () => {
    slack = await startFixtureServer();
    host = new URL(slack.baseUrl).host;
  });
  afterAll(async () => {
    await slack.close();
  });
  afterEach(() => {
    slack.requests.length = 0;
  });

  function slackNotifier(path: string, timeout?: number): Notifier {
    const config: ChannelConfig = { id: 'pr-slack', type: 'slack', url: `${slack.baseUrl}${path}`, timeout };
    return notifierKinds.slack.create(config, deps);
  }

  function expectNoSecret(error: DeliveryError): void {
    expect(error.message).not.toContain('xoxSECRETtokenPart');
    expect(error.message).not.toContain('/services/');
  }

  it('posts the formatted payload as JSON and resolves on 200', async () => {
    slack.route(WEBHOOK_PATH, answerWith([200], () => 'ok'));
    const event = alertEvent();
    await slackNotifier(WEBHOOK_PATH).send(event);
    const [request] = slack.requestsTo(WEBHOOK_PATH);
    expect(slack.requests).toHaveLength(1);
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['user-agent']).toBe(DEFAULT_HTTP_OPTIONS.userAgent);
    expect(request?.body.toString('utf8')).toBe(JSON.stringify(slackMessage(event)));
  });

  it('fails retryably on 500 and sends an identical body on every attempt until Slack accepts it', async () => {
    const path = '/services/T0001/B0001/flaky';
    slack.route(path, answerWith([500, 500, 200], (status) => (status === 200 ? 'ok' : 'internal_error')));
    const notifier = slackNotifier(path);
    const event = alertEvent();
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await deliveryErrorOf(notifier.send(event));
      expect(error.retryable).toBe(true);
      expect(error.message).toBe('Slack answered HTTP 500 (internal_error): Slack had a server error');
    }
    await notifier.send(event);
    const bodies = slack.requestsTo(path).map((request) => request.body.toString('utf8'));
    expect(bodies).toEqual([0, 1, 2].map(() => JSON.stringify(slackMessage(event))));
  });

  it('fails without retry on 404 no_service, with the reason and without the webhook URL', async () => {
    slack.route(WEBHOOK_PATH, answerWith([404], () => 'no_service'));
    const error = await deliveryErrorOf(slackNotifier(WEBHOOK_PATH).send(alertEvent()));
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('Slack answered HTTP 404 (no_service): the webhook URL is wrong or was revoked');
    expectNoSecret(error);
    // @slack/webhook must not retry by itself: the notify queue owns retries.
    expect(slack.requestsTo(WEBHOOK_PATH)).toHaveLength(1);
  });

  it.each([
    [400, 'invalid_payload', false, 'Slack answered HTTP 400 (invalid_payload): Slack refused the message format'],
    [410, 'channel_is_archived', false, "Slack answered HTTP 410 (channel_is_archived): the webhook's channel is archived"],
    [403, 'action_prohibited', false, 'Slack answered HTTP 403 (action_prohibited): a workspace admin restricted this webhook'],
    [429, 'rate_limited', true, 'Slack answered HTTP 429 (rate_limited): Slack is rate limiting this webhook'],
    [503, '', true, 'Slack answered HTTP 503: Slack had a server error'],
  ])('classifies HTTP %i %s (retryable: %s)', async (status, reason, retryable, message) => {
    slack.route(WEBHOOK_PATH, answerWith([status], () => reason));
    const error = await deliveryErrorOf(slackNotifier(WEBHOOK_PATH).send(alertEvent()));
    expect(error.retryable).toBe(retryable);
    expect(error.message).toBe(message);
    expectNoSecret(error);
  });

  it('does not quote the webhook URL when Slack echoes it back', async () => {
    const url = `${slack.baseUrl}${WEBHOOK_PATH}`;
    slack.route(WEBHOOK_PATH, answerWith([400], () => `bad request to ${url}`));
    const error = await deliveryErrorOf(slackNotifier(WEBHOOK_PATH).send(alertEvent()));
    expect(error.message).toBe("Slack answered HTTP 400 (bad request to [redacted]): check the channel's webhook URL");
  });

  it('fails retryably when Slack does not answer within the channel timeout', async () => {
    const path = '/services/T0001/B0001/hangs';
    slack.route(path, neverAnswer);
    const error = await deliveryErrorOf(slackNotifier(path, 300).send(alertEvent()));
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`Slack: no complete answer from ${host} within 0.3 s`);
  });

  it('fails retryably when the connection is refused', async () => {
    const port = await closedPort();
    const config: ChannelConfig = { id: 'pr-slack', type: 'slack', url: `http://127.0.0.1:${port}${WEBHOOK_PATH}` };
    const error = await deliveryErrorOf(notifierKinds.slack.create(config, deps).send(alertEvent()));
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`Slack: cannot reach 127.0.0.1:${port}: ECONNREFUSED`);
    expectNoSecret(error);
  });
});

const SMTP_USER = 'buzzwatch';
const SMTP_PASSWORD = 'pa55-w0rd:secret';

/** The test SMTP server, logging in SMTP_USER; RCPT TO rejected@… answers 550, deferred@… answers 451. */
function startSmtpServer(): Promise<RecordingSmtp> {
  return startRecordingSmtp({
    login: { user: SMTP_USER, password: SMTP_PASSWORD },
    overrides: {
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('rejected@')) {
          callback(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }));
        } else if (address.address.startsWith('deferred@')) {
          callback(Object.assign(new Error('4.7.1 greylisted, try again later'), { responseCode: 451 }));
        } else {
          callback();
        }
      },
    },
  });
}

/** A TCP server that accepts connections and never says a word (an SMTP server that hangs before its greeting). */
async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('email notifier', () => {
  let smtp: RecordingSmtp;

  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(async () => {
    await smtp.close();
  });
  afterEach(() => {
    smtp.received.length = 0;
  });

  function emailNotifier(overrides: Partial<ChannelConfig> = {}): Notifier {
    const config: ChannelConfig = {
      id: 'pr-email',
      type: 'email',
      smtp: `smtp://${SMTP_USER}:${encodeURIComponent(SMTP_PASSWORD)}@127.0.0.1:${smtp.port}`,
      from: 'buzzwatch <alerts@acme.example>',
      to: ['pr@acme.example', 'ceo@acme.example'],
      ...overrides,
    };
    return notifierKinds.email.create(config, deps);
  }

  function expectNoSecret(error: DeliveryError): void {
    expect(error.message).not.toContain(SMTP_PASSWORD);
    expect(error.message).not.toContain(encodeURIComponent(SMTP_PASSWORD));
  }

  it('logs in with the URL credentials and delivers subject, plain-text and HTML parts', async () => {
    const event = alertEvent();
    await emailNotifier().send(event);
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail?.user).toBe(SMTP_USER);
    expect(mail?.from).toBe('alerts@acme.example');
    expect(mail?.to).toEqual(['pr@acme.example', 'ceo@acme.example']);
    const message = mimeEntity((mail?.raw ?? '').replace(/\r\n/g, '\n'));
    const expected = emailParts(event);
    expect(decodeEncodedWords(message.headers.get('subject') ?? '')).toBe(expected.subject);
    expect(decodeEncodedWords(message.headers.get('subject') ?? '')).toBe(
      '[buzzwatch] Negative buzz: Acme <script>& Co — 12 negative mentions',
    );
    expect(message.headers.get('message-id')).toBe(`<buzzwatch.${FIRING_ID}@acme.example>`);
    const parts = alternativeParts(message);
    expect([...parts.keys()]).toEqual(['text/plain', 'text/html']);
    expect(parts.get('text/plain')).toBe(expected.text);
    expect(parts.get('text/html')).toBe(expected.html);
  });

  it('threads the resolved message under the firing one', async () => {
    await emailNotifier().send(alertEvent('resolved'));
    const message = mimeEntity((smtp.received[0]?.raw ?? '').replace(/\r\n/g, '\n'));
    expect(message.headers.get('message-id')).toBe(`<buzzwatch.${RESOLVED_ID}@acme.example>`);
    expect(message.headers.get('in-reply-to')).toBe(`<buzzwatch.${FIRING_ID}@acme.example>`);
    expect(message.headers.get('references')).toBe(`<buzzwatch.${FIRING_ID}@acme.example>`);
    expect(decodeEncodedWords(message.headers.get('subject') ?? '')).toBe(
      '[buzzwatch] Resolved: Negative buzz and Keyword alert: Acme <script>& Co — lasted 2 h 20 min',
    );
  });

  it('fails without retry when the server answers 550 to the recipient', async () => {
    const error = await deliveryErrorOf(emailNotifier({ to: ['rejected@acme.example'] }).send(alertEvent()));
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `SMTP server 127.0.0.1:${smtp.port} answered "550 5.1.1 mailbox unavailable" to RCPT TO: a recipient was refused; check the channel's to addresses`,
    );
    expectNoSecret(error);
    expect(smtp.received).toHaveLength(0);
  });

  it('reports recipients refused while the others got the message, without retry (a retry would send a second copy)', async () => {
    const error = await deliveryErrorOf(emailNotifier({ to: ['pr@acme.example', 'rejected@acme.example'] }).send(alertEvent()));
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `SMTP server 127.0.0.1:${smtp.port} refused rejected@acme.example (550 5.1.1 mailbox unavailable); the other recipients got the message: check the channel's to addresses`,
    );
    expect(smtp.received.map((mail) => mail.to)).toEqual([['pr@acme.example']]);
  });

  it('fails retryably when the server answers 451 (try again later)', async () => {
    const error = await deliveryErrorOf(emailNotifier({ to: ['deferred@acme.example'] }).send(alertEvent()));
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      `SMTP server 127.0.0.1:${smtp.port} answered "451 4.7.1 greylisted, try again later" to RCPT TO: a temporary refusal`,
    );
    expectNoSecret(error);
  });

  it('fails without retry on a refused login, without quoting the password', async () => {
    const error = await deliveryErrorOf(
      emailNotifier({ smtp: `smtp://${SMTP_USER}:wrong-${encodeURIComponent(SMTP_PASSWORD)}@127.0.0.1:${smtp.port}` }).send(alertEvent()),
    );
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `SMTP server 127.0.0.1:${smtp.port} refused the login (535): check the user name and password in the channel's smtp URL`,
    );
    expectNoSecret(error);
  });

  it('fails retryably when the connection is refused', async () => {
    const port = await closedPort();
    const error = await deliveryErrorOf(emailNotifier({ smtp: `smtp://${SMTP_USER}:${SMTP_PASSWORD}@127.0.0.1:${port}` }).send(alertEvent()));
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`cannot reach SMTP server 127.0.0.1:${port}: ECONNREFUSED`);
    expectNoSecret(error);
  });

  it('fails retryably when the server never greets within the channel timeout', async () => {
    const silent = await startSilentServer();
    try {
      const error = await deliveryErrorOf(emailNotifier({ smtp: `smtp://127.0.0.1:${silent.port}`, timeout: 300 }).send(alertEvent()));
      expect(error.retryable).toBe(true);
      expect(error.message).toBe(`SMTP server 127.0.0.1:${silent.port} did not answer within 0.3 s`);
    } finally {
      await silent.close();
    }
  });
});

describe('webhook notifier', () => {
  const SECRET = 'whsec-0123456789abcdef';
  const PATH = '/hooks/buzzwatch';
  let receiver: FixtureServer;

  beforeAll(async () => {
    receiver = await startFixtureServer();
  });
  afterAll(async () => {
    await receiver.close();
  });
  afterEach(() => {
    receiver.requests.length = 0;
  });

  function webhookNotifier(path = PATH): Notifier {
    const config: ChannelConfig = { id: 'ops-hook', type: 'webhook', url: `${receiver.baseUrl}${path}?token=tok-123456`, secret: SECRET };
    return notifierKinds.webhook.create(config, deps);
  }

  it('POSTs the documented JSON, signed so the receiver can verify it, with the event id header', async () => {
    receiver.route(PATH, (request, response) => {
      const check = verifySignature(request.headers['x-buzzwatch-signature'] as string | undefined, SECRET, request.body);
      response.writeHead(check.ok ? 204 : 401).end(check.ok ? undefined : check.reason);
    });
    const event = alertEvent('resolved');
    await webhookNotifier().send(event);
    const [request] = receiver.requestsTo(PATH);
    expect(request?.method).toBe('POST');
    expect(request?.url.searchParams.get('token')).toBe('tok-123456');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-buzzwatch-event-id']).toBe(RESOLVED_ID);
    expect(request?.body.toString('utf8')).toBe(JSON.stringify(webhookPayload(event)));
    expect(JSON.parse(request?.body.toString('utf8') ?? '')).toMatchObject({
      type: 'buzzwatch.alert',
      version: 2,
      event: { event_id: RESOLVED_ID, alert_id: 'al_40bb0d11dc51f8a3ef9e', kind: 'resolved', duration_ms: 8_400_000 },
    });
  });

  it('is refused by a receiver holding another secret (the signature covers the body)', async () => {
    receiver.route(PATH, (request, response) => {
      const check = verifySignature(request.headers['x-buzzwatch-signature'] as string | undefined, 'another-secret-0000', request.body);
      response.writeHead(check.ok ? 204 : 401).end(check.ok ? undefined : check.reason);
    });
    const error = await deliveryErrorOf(webhookNotifier().send(alertEvent()));
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `the webhook receiver at ${new URL(receiver.baseUrl).host} answered HTTP 401 (signature does not match the body); check the channel's url and secret against the receiver`,
    );
  });

  it.each([
    [503, true],
    [429, true],
    [500, true],
    [400, false],
    [404, false],
  ])('classifies HTTP %i as retryable: %s', async (status, retryable) => {
    receiver.route(PATH, answerWith([status], () => 'nope'));
    const error = await deliveryErrorOf(webhookNotifier().send(alertEvent()));
    expect(error.retryable).toBe(retryable);
    expect(error.message).toContain(`answered HTTP ${status} (nope)`);
  });

  it('does not quote the secret or the URL token when the receiver echoes them', async () => {
    receiver.route(PATH, (request, response) => {
      response.writeHead(400).end(`bad secret ${SECRET} for ${request.url.search}`);
    });
    const error = await deliveryErrorOf(webhookNotifier().send(alertEvent()));
    expect(error.message).not.toContain(SECRET);
    expect(error.message).toContain('bad secret [redacted] for ?token=tok-123456');
    expect(error.message).not.toContain(`${receiver.baseUrl}${PATH}?token=tok-123456`);
  });

  it('fails retryably when the connection is refused', async () => {
    const port = await closedPort();
    const config: ChannelConfig = { id: 'ops-hook', type: 'webhook', url: `http://127.0.0.1:${port}/hook`, secret: SECRET };
    const error = await deliveryErrorOf(notifierKinds.webhook.create(config, deps).send(alertEvent()));
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`the webhook receiver at 127.0.0.1:${port}: cannot reach 127.0.0.1:${port}: ECONNREFUSED`);
  });
});

describe('channel config', () => {
  /** Problems with an entry, the way the config loader reports them, after defaults and conversion. */
  function problemsOf(entry: Record<string, unknown>) {
    const kind = notifierKindFor(String(entry.type));
    if (kind === undefined) throw new Error(`no kind ${String(entry.type)}`);
    return schemaProblems(kind.configSchema, Value.Default(kind.configSchema, Value.Convert(kind.configSchema, entry)), 'channels[0]');
  }

  it('registers slack, email and webhook', () => {
    expect(knownChannelTypes).toEqual(['email', 'slack', 'webhook']);
    expect(notifierKindFor('pager')).toBeUndefined();
    expect(notifierKindFor('toString')).toBeUndefined();
  });

  it('accepts the documented entries and decodes timeouts to milliseconds', () => {
    const slack = { id: 'pr-slack', type: 'slack', url: 'https://hooks.slack.com/services/T/B/x', timeout: '10s' };
    const email = { id: 'pr-email', type: 'email', smtp: 'smtps://u:p@mail.example:465', from: 'buzzwatch <a@acme.example>', to: ['pr@acme.example'] };
    const webhook = { id: 'ops-hook', type: 'webhook', url: 'https://ops.example/hook', secret: '0123456789abcdef' };
    expect([slack, email, webhook].flatMap(problemsOf)).toEqual([]);
    expect(Value.Decode(notifierKinds.slack.configSchema, slack)).toEqual({ ...slack, timeout: 10_000 });
  });

  it('reports bad secrets without quoting them', () => {
    expect(problemsOf({ id: 'pr-slack', type: 'slack', url: 'hooks.slack.com/services/SECRET' })).toEqual([
      { path: 'channels[0].url', message: 'is not an http(s) URL (the value is not shown: it is a secret)' },
    ]);
    expect(problemsOf({ id: 'ops-hook', type: 'webhook', url: 'https://ops.example/hook', secret: 'short-SECRET' })).toEqual([
      { path: 'channels[0].secret', message: 'must be at least 16 characters (the value is not shown)' },
    ]);
    const email = problemsOf({ id: 'pr-email', type: 'email', smtp: 'mail.example:25?pass=SECRET', from: 'nobody', to: [] });
    expect(email).toEqual([
      {
        path: 'channels[0].smtp',
        message:
          'is not an smtp:// or smtps:// URL such as smtp://user:password@mail.example:587 (the value is not shown: it may hold a password)',
      },
      {
        path: 'channels[0].from',
        message: '"nobody" is not an e-mail address (the sender: alerts@example.com or "buzzwatch <alerts@example.com>")',
      },
      { path: 'channels[0].to', message: 'needs at least one address' },
    ]);
    expect(JSON.stringify(email)).not.toContain('SECRET');
  });
});
