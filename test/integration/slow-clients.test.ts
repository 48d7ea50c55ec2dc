// Clients that hold connections: a body trickled byte by byte is cut off at api.request_timeout with a 408, and a
// webhook request without a usable signature is answered 401 (and its connection closed) before its body is sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, signBody } from '../../src/net/webhook-signature.js';
import { openRawConnection, type RawConnection } from '../helpers/raw-http.js';
import { READ_KEY, TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';

const PRESS_SECRET = 'press-secret-0123456789abcdef';

const CONFIG_YAML = `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
sources:
  - { id: press-hook, type: webhook, secret: "${PRESS_SECRET}" }
${TEST_API_KEYS}
  request_timeout: 1s
`;

const BODY = JSON.stringify({ url: 'https://news.example/acme-slow', text: 'Acme, slowly.' });

function webhookHead(headers: Record<string, string>, contentLength: number): string {
  const lines = Object.entries({ host: 'buzzwatch.test', 'content-type': 'application/json', 'content-length': String(contentLength), ...headers });
  return `POST /v1/webhooks/press-hook HTTP/1.1\r\n${lines.map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n`;
}

/** Writes `text` one byte per tick until the server hangs up (or all of it is sent); resolves with the bytes sent. */
async function trickle(connection: RawConnection, text: string): Promise<number> {
  let sent = 0;
  const timer = setInterval(() => {
    if (sent < text.length && !connection.socket.destroyed) connection.write(text[sent++] as string);
  }, 50);
  await connection.closed;
  clearInterval(timer);
  return sent;
}

describe('slow and unsigned clients', () => {
  let system: TestSystem;
  let port: number;

  beforeAll(async () => {
    system = await startTestSystem({ configYaml: CONFIG_YAML, roles: ['api'] });
    port = Number(new URL(system.baseUrl).port);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('cuts off every connection trickling a body or headers with a 408 once api.request_timeout has passed', async () => {
    const signature = signBody(PRESS_SECRET, BODY);
    const connections = await Promise.all(Array.from({ length: 20 }, () => openRawConnection(port)));
    const trickled = connections.map((connection, index) =>
      index % 2 === 0
        ? // Signed, so it passes every check that needs no body and waits for the body itself.
          (connection.write(webhookHead({ [SIGNATURE_HEADER]: signature }, Buffer.byteLength(BODY))), trickle(connection, BODY))
        : trickle(connection, `GET /v1/mentions HTTP/1.1\r\nHost: buzzwatch.test\r\nAuthorization: Bearer ${READ_KEY}\r\n\r\n`),
    );
    const sent = await Promise.all(trickled);
    for (const [index, connection] of connections.entries()) {
      expect(sent[index], `connection ${index}`).toBeLessThan(index % 2 === 0 ? BODY.length : 60);
      const [answer, ...more] = connection.answers();
      expect(more).toEqual([]);
      expect(answer?.status, `connection ${index}`).toBe(408);
      expect(answer?.headers.connection).toBe('close');
      expect(JSON.parse(answer?.body ?? '')).toEqual({
        error: { code: 'BUZZ_ERR_REQUEST_TIMEOUT', message: 'the request did not arrive in full within 1s' },
      });
    }
    // Nothing was accepted from the cut-off webhooks, and the server still answers.
    expect((await system.api('/v1/mentions')).status).toBe(200);
  });

  it('answers a webhook without a usable signature with 401 before its body is sent, and hangs up', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'missing X-Buzzwatch-Signature header'],
      [{ [SIGNATURE_HEADER]: 'sha256=abc' }, 'malformed X-Buzzwatch-Signature header (expected t=<unix seconds>,v1=<hex>)'],
      [{ [SIGNATURE_HEADER]: signBody(PRESS_SECRET, BODY, new Date(Date.now() - 3_600_000)) }, 'signature timestamp is more than 300 s from now'],
    ];
    for (const [headers, message] of cases) {
      const connection = await openRawConnection(port);
      // A megabyte announced, not a byte of it sent.
      connection.write(webhookHead(headers, 1024 * 1024));
      const answer = await connection.nextAnswer();
      expect(answer.status, message).toBe(401);
      expect(answer.headers.connection, message).toBe('close');
      expect(JSON.parse(answer.body), message).toEqual({ error: { code: 'BUZZ_ERR_INVALID_SIGNATURE', message } });
      await connection.closed;
    }
  });

  it('still reads and accepts a signed body that arrives in time', async () => {
    const connection = await openRawConnection(port);
    connection.write(webhookHead({ [SIGNATURE_HEADER]: signBody(PRESS_SECRET, BODY) }, Buffer.byteLength(BODY)) + BODY);
    const answer = await connection.nextAnswer();
    expect(answer.status).toBe(202);
    expect(JSON.parse(answer.body)).toEqual({ accepted: 1, matched: 1 });
    connection.socket.destroy();
  });
});
