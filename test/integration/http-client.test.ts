// The outbound HTTP client against a real loopback server: timeouts, body caps, decompression, redirects, UA, errors.
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_OPTIONS, createHttpClient, type HttpResponse } from '../../src/net/http-client.js';
import { OutboundError } from '../../src/net/outbound-error.js';
import { closedPort } from '../helpers/ports.js';
import { neverAnswer, startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';

/** The OutboundError a request rejects with; fails the test when it resolves or rejects with anything else. */
async function outboundErrorOf(pending: Promise<HttpResponse>): Promise<OutboundError> {
  const error: unknown = await pending.then(
    (response) => new Error(`expected a rejection, got HTTP ${response.status}`),
    (rejection: unknown) => rejection,
  );
  if (!(error instanceof OutboundError)) throw new Error(`expected an OutboundError, got ${String(error)}`);
  return error;
}

const ENCODING_OF: Record<string, string> = {
  '/gzip': 'gzip',
  '/brotli': 'br',
  '/deflate': 'deflate',
  '/deflate-raw': 'deflate',
  '/gzip-brotli': 'gzip, br',
};

describe('outbound HTTP client', () => {
  let server: FixtureServer;
  let host: string;

  /** Registers /NAME/0 … /NAME/HOPS-1, each redirecting to the next, and /NAME/HOPS answering "arrived". */
  function redirectChain(name: string, hops: number): void {
    const statuses = [301, 302, 303, 307, 308];
    for (let hop = 0; hop < hops; hop++) {
      // Absolute URLs, absolute paths and relative paths alternate, so every Location form is resolved.
      const locations = [`${server.baseUrl}/${name}/${hop + 1}`, `/${name}/${hop + 1}`, `${hop + 1}`, `./${hop + 1}`];
      const location = locations[hop % locations.length] as string;
      server.route(`/${name}/${hop}`, (_request, response) => {
        response.writeHead(statuses[hop % statuses.length] as number, { location }).end();
      });
    }
    server.route(`/${name}/${hops}`, (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('arrived');
    });
  }

  beforeAll(async () => {
    server = await startFixtureServer();
    host = new URL(server.baseUrl).host;
    server.route('/hang', neverAnswer);
    server.route('/trickle', (_request, response) => {
      // Headers and a first chunk arrive at once; the rest never does.
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('first chunk of a body that never ends');
    });
    server.route('/plain-1000', (_request, response) => {
      const body = Buffer.alloc(1000, 'a');
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length) }).end(body);
    });
    server.route('/plain-1001', (_request, response) => {
      const body = Buffer.alloc(1001, 'a');
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length) }).end(body);
    });
    server.route('/chunked-2000', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      for (let chunk = 0; chunk < 10; chunk++) response.write(Buffer.alloc(200, 'b'));
      response.end();
    });
    server.route('/chunked-1mib-plus-1', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      for (let chunk = 0; chunk < 16; chunk++) response.write(Buffer.alloc(64 * 1024, 'd'));
      response.end('d');
    });
    server.route('/gzip-bomb', (_request, response) => {
      const compressed = gzipSync(Buffer.alloc(100_000, 'c'));
      response
        .writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip', 'content-length': String(compressed.length) })
        .end(compressed);
    });
    const feedText = '<?xml version="1.0"?><rss version="2.0"><channel><title>Zażółć gęślą jaźń</title></channel></rss>';
    server.route('/gzip', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/xml', 'content-encoding': 'gzip' }).end(gzipSync(feedText));
    });
    server.route('/brotli', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/xml', 'content-encoding': 'br' }).end(brotliCompressSync(feedText));
    });
    server.route('/deflate', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/xml', 'content-encoding': 'deflate' }).end(deflateSync(feedText));
    });
    // "deflate" without its zlib wrapper, as some servers send it.
    server.route('/deflate-raw', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/xml', 'content-encoding': 'deflate' }).end(deflateRawSync(feedText));
    });
    server.route('/gzip-brotli', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/xml', 'content-encoding': 'gzip, br' }).end(brotliCompressSync(gzipSync(feedText)));
    });
    server.route('/gzip-trickle', (_request, response) => {
      const compressed = gzipSync(feedText);
      response.writeHead(200, { 'content-type': 'application/xml', 'content-encoding': 'gzip' });
      response.write(compressed.subarray(0, compressed.length / 2));
    });
    server.route('/not-gzip', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/xml', 'content-encoding': 'gzip' }).end(feedText);
    });
    redirectChain('five', 5);
    redirectChain('six', 6);
    server.route('/form', (request, response) => {
      const status = request.url.searchParams.get('status') ?? '303';
      response.writeHead(Number(status), { location: '/form-landing' }).end();
    });
    server.route('/form-landing', (request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' }).end(`${request.method} ${request.body.toString('utf8')}`);
    });
    server.route('/to-ftp', (_request, response) => {
      response.writeHead(302, { location: 'ftp://files.example/feed.xml' }).end();
    });
    server.route('/echo', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('gives up on a server that never answers after the timeout, naming the host and the limit', async () => {
    const client = createHttpClient({ timeoutMs: 300 });
    const error = await outboundErrorOf(client.request({ url: `${server.baseUrl}/hang` }));
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe(`no complete answer from ${host} within 0.3 s`);
  });

  it('counts the body against the same deadline, so a server that trickles bytes times out too', async () => {
    const client = createHttpClient({ timeoutMs: 300 });
    const error = await outboundErrorOf(client.request({ url: `${server.baseUrl}/trickle` }));
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe(`no complete answer from ${host} within 0.3 s`);
  });

  it('times out a compressed body that trickles as such, not as a bad or cut-off one', async () => {
    const error = await outboundErrorOf(createHttpClient({ timeoutMs: 300 }).request({ url: `${server.baseUrl}/gzip-trickle` }));
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe(`no complete answer from ${host} within 0.3 s`);
  });

  it('lets one request override the client timeout', async () => {
    const client = createHttpClient({ timeoutMs: 10_000 });
    const error = await outboundErrorOf(client.request({ url: `${server.baseUrl}/hang`, timeoutMs: 200 }));
    expect(error.message).toBe(`no complete answer from ${host} within 0.2 s`);
  });

  it('accepts a body exactly at the cap and rejects one byte more announced by Content-Length', async () => {
    const client = createHttpClient({ maxBodyBytes: 1000 });
    const atCap = await client.request({ url: `${server.baseUrl}/plain-1000` });
    expect(atCap.body.length).toBe(1000);
    const error = await outboundErrorOf(client.request({ url: `${server.baseUrl}/plain-1001` }));
    expect(error.kind).toBe('too_large');
    expect(error.message).toBe(`response from ${host} is larger than 1000 bytes`);
  });

  it('stops a chunked body (no Content-Length) once it passes the cap', async () => {
    const roomy = await createHttpClient({ maxBodyBytes: 5000 }).request({ url: `${server.baseUrl}/chunked-2000` });
    // The same route read in full proves it really is chunked and really is 2000 bytes.
    expect(roomy.headers.get('transfer-encoding')).toBe('chunked');
    expect(roomy.headers.get('content-length')).toBeNull();
    expect(roomy.body.equals(Buffer.alloc(2000, 'b'))).toBe(true);

    const error = await outboundErrorOf(createHttpClient({ maxBodyBytes: 1000 }).request({ url: `${server.baseUrl}/chunked-2000` }));
    expect(error.kind).toBe('too_large');
    expect(error.message).toBe(`response from ${host} is larger than 1000 bytes`);
  });

  it('counts the cap after decompression, so a small gzip body that inflates past it is stopped', async () => {
    const error = await outboundErrorOf(createHttpClient({ maxBodyBytes: 10_000 }).request({ url: `${server.baseUrl}/gzip-bomb` }));
    expect(error.kind).toBe('too_large');
    expect(error.message).toBe(`response from ${host} is larger than 10000 bytes`);
  });

  it('names a cap of whole mebibytes in MiB', async () => {
    const error = await outboundErrorOf(createHttpClient({ maxBodyBytes: 1024 * 1024 }).request({ url: `${server.baseUrl}/chunked-1mib-plus-1` }));
    expect(error.kind).toBe('too_large');
    expect(error.message).toBe(`response from ${host} is larger than 1 MiB`);
    expect(DEFAULT_HTTP_OPTIONS.maxBodyBytes).toBe(5 * 1024 * 1024);
  });

  it.each([
    ['gzip', '/gzip'],
    ['brotli', '/brotli'],
    ['deflate', '/deflate'],
    ['raw deflate', '/deflate-raw'],
    ['gzip, then brotli', '/gzip-brotli'],
  ])('decodes a %s-encoded response and asks for compression', async (_encoding, path) => {
    const response = await createHttpClient().request({ url: `${server.baseUrl}${path}` });
    expect(response.status).toBe(200);
    // The header says what the server sent, though the body is decoded.
    expect(response.headers.get('content-encoding')).toBe(ENCODING_OF[path]);
    expect(response.body.toString('utf8')).toBe(
      '<?xml version="1.0"?><rss version="2.0"><channel><title>Zażółć gęślą jaźń</title></channel></rss>',
    );
    const sent = server.requestsTo(path).at(-1);
    expect(sent?.headers['accept-encoding']).toBe('gzip, br, deflate');
  });

  it('refuses a compressed body that is not in its coding, naming the coding and what zlib found', async () => {
    const error = await outboundErrorOf(createHttpClient().request({ url: `${server.baseUrl}/not-gzip` }));
    expect(error.kind).toBe('network');
    expect(error.message).toBe(`the gzip body from ${host} is not valid gzip: incorrect header check`);
  });

  it('follows five redirects (absolute, absolute-path and relative Locations) to the final URL', async () => {
    const response = await createHttpClient().request({ url: `${server.baseUrl}/five/0` });
    expect(response.status).toBe(200);
    expect(response.body.toString('utf8')).toBe('arrived');
    expect(response.url).toBe(`${server.baseUrl}/five/5`);
    expect(server.requests.filter((request) => request.path.startsWith('/five/')).map((request) => request.path)).toEqual([
      '/five/0',
      '/five/1',
      '/five/2',
      '/five/3',
      '/five/4',
      '/five/5',
    ]);
  });

  it('refuses a sixth redirect without fetching its target', async () => {
    const error = await outboundErrorOf(createHttpClient().request({ url: `${server.baseUrl}/six/0` }));
    expect(error.kind).toBe('redirects');
    expect(error.message).toBe(`more than 5 redirects from ${host}`);
    expect(server.requestsTo('/six/6')).toHaveLength(0);
    expect(server.requestsTo('/six/5')).toHaveLength(1);
  });

  it('turns a POST into a GET after 303 and keeps method and body after 307', async () => {
    const client = createHttpClient();
    const seeOther = await client.request({ url: `${server.baseUrl}/form?status=303`, method: 'POST', body: 'name=acme' });
    expect(seeOther.body.toString('utf8')).toBe('GET ');
    const temporary = await client.request({ url: `${server.baseUrl}/form?status=307`, method: 'POST', body: 'name=acme' });
    expect(temporary.body.toString('utf8')).toBe('POST name=acme');
  });

  it('sends the buzzwatch User-Agent on every hop, or the configured one', async () => {
    await createHttpClient().request({ url: `${server.baseUrl}/five/0` });
    const hops = server.requests.filter((request) => request.path.startsWith('/five/')).slice(-6);
    expect(hops.map((request) => request.headers['user-agent'])).toEqual(Array(6).fill(DEFAULT_HTTP_OPTIONS.userAgent));
    expect(DEFAULT_HTTP_OPTIONS.userAgent).toMatch(/^buzzwatch\/\S+ \(\+https?:\/\/\S+; /);

    await createHttpClient({ userAgent: 'acme-monitor/2.0 (ops@acme.example)' }).request({ url: `${server.baseUrl}/echo` });
    expect(server.requestsTo('/echo').at(-1)?.headers['user-agent']).toBe('acme-monitor/2.0 (ops@acme.example)');
  });

  it('keeps credentials on a same-origin redirect but never forwards them to another origin', async () => {
    const elsewhere = await startFixtureServer();
    try {
      elsewhere.route('/landing', (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/plain' }).end('elsewhere');
      });
      server.route('/to-elsewhere', (_request, response) => {
        response.writeHead(302, { location: `${elsewhere.baseUrl}/landing` }).end();
      });
      const client = createHttpClient();
      // Credential headers as a feed's config gives them (X-Api-Key was forwarded to the other origin), and one that is not.
      const headers = { authorization: 'Bearer source-api-secret', 'X-Api-Key': 'feed-key-secret', 'x-auth-token': 'tok-secret', 'x-feed-lang': 'en' };

      await client.request({ url: `${server.baseUrl}/five/3`, headers });
      expect(server.requestsTo('/five/5').at(-1)?.headers.authorization).toBe('Bearer source-api-secret');
      expect(server.requestsTo('/five/5').at(-1)?.headers['x-api-key']).toBe('feed-key-secret');

      const response = await client.request({ url: `${server.baseUrl}/to-elsewhere`, headers });
      expect(response.body.toString('utf8')).toBe('elsewhere');
      const [landing] = elsewhere.requestsTo('/landing');
      expect(landing?.headers.authorization).toBeUndefined();
      expect([landing?.headers['x-api-key'], landing?.headers['x-auth-token'], landing?.headers['x-feed-lang']]).toEqual([undefined, undefined, 'en']);
    } finally {
      await elsewhere.close();
    }
  });

  it('sends the userinfo of a URL as HTTP Basic authentication, never in an error or the answered URL', async () => {
    server.route('/private.xml', (request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' }).end(request.headers.authorization ?? 'none');
    });
    const client = createHttpClient();
    const url = new URL(`${server.baseUrl}/private.xml`);
    url.username = 'feed user';
    url.password = 'p@ss:wörd';
    const response = await client.request({ url: url.toString() });
    expect(response.body.toString('utf8')).toBe(`Basic ${Buffer.from('feed user:p@ss:wörd', 'utf8').toString('base64')}`);
    expect(response.url).toBe(`${server.baseUrl}/private.xml`);
    // An Authorization header given by the caller wins over the URL's userinfo.
    const explicit = await client.request({ url: url.toString(), headers: { Authorization: 'Bearer given' } });
    expect(explicit.body.toString('utf8')).toBe('Bearer given');

    const port = await closedPort();
    const refused = await outboundErrorOf(client.request({ url: `http://reader:hunter2-secret@127.0.0.1:${port}/feed.xml?token=tok-secret` }));
    expect(refused.message).toBe(`cannot reach 127.0.0.1:${port}: ECONNREFUSED`);
    const invalid = await outboundErrorOf(client.request({ url: 'http://reader:hunter2-secret@[bad/feed.xml?token=tok-secret' }));
    expect(invalid.message).toBe('not a valid URL: http://***@[bad/feed.xml?token=***');
  });

  it('reports a body cut off after the headers as cut off, not as a host it cannot reach', async () => {
    server.route('/cut-off', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-length': '1000' });
      response.write('<rss version="2.0"><channel>', () => response.destroy());
    });
    const error = await outboundErrorOf(createHttpClient().request({ url: `${server.baseUrl}/cut-off` }));
    expect(error.kind).toBe('network');
    expect(error.message).toBe(`the answer from ${host} was cut off before its end: UND_ERR_SOCKET`);
  });

  it('reports a refused connection as a network error naming the host', async () => {
    const port = await closedPort();
    const error = await outboundErrorOf(createHttpClient().request({ url: `http://127.0.0.1:${port}/feed.xml` }));
    expect(error.kind).toBe('network');
    expect(error.message).toBe(`cannot reach 127.0.0.1:${port}: ECONNREFUSED`);
  });

  it('refuses non-http URLs, given directly or through a redirect', async () => {
    const client = createHttpClient();
    const direct = await outboundErrorOf(client.request({ url: 'ftp://files.example/feed.xml' }));
    expect(direct.kind).toBe('invalid_url');
    expect(direct.message).toBe('only http and https URLs can be fetched, not ftp:');
    const redirected = await outboundErrorOf(client.request({ url: `${server.baseUrl}/to-ftp` }));
    expect(redirected.kind).toBe('invalid_url');
    expect(redirected.message).toBe('only http and https URLs can be fetched, not ftp:');
  });
});
