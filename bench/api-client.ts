// How bench:api asks the API for a page. A deployed API's latency is what it takes to answer, not what a client then
// does with the answer: the timed calls read the whole body and check its status and length, without parsing it
// (JSON.parse of a 50-mention page costs the client ≈ 0.1 ms, once counted as the API's). A page is parsed when its
// content is to be checked.
import { Agent, request as httpRequest } from 'node:http';

export interface PageAnswer {
  bytes: number;
  /** The mentions on the page; only when asked to parse. */
  rows?: number;
  /** The answer's bytes; only when asked to parse. */
  body?: Buffer;
}

export type GetPage = (path: string, options?: { parse?: boolean }) => Promise<PageAnswer>;

/** GET over keep-alive connections (one per concurrent caller) with a bearer key. */
export function apiClient(port: number, apiKey: string): GetPage {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  return (path, options = {}) =>
    new Promise((resolve, reject) => {
      const request = httpRequest(
        { host: '127.0.0.1', port, path, agent, headers: { authorization: `Bearer ${apiKey}` } },
        (response) => {
          const chunks: Buffer[] = [];
          let bytes = 0;
          response.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            bytes += chunk.length;
          });
          response.on('end', () => {
            if (response.statusCode !== 200) {
              reject(new Error(`${path}: ${response.statusCode} ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`));
              return;
            }
            const declared = Number(response.headers['content-length']);
            if (!Number.isInteger(declared) || declared !== bytes || bytes === 0) {
              reject(new Error(`${path}: read ${bytes} bytes, content-length ${response.headers['content-length']}`));
              return;
            }
            if (options.parse !== true) return resolve({ bytes });
            const body = Buffer.concat(chunks);
            const page = JSON.parse(body.toString('utf8')) as { data: unknown[] };
            resolve({ bytes, rows: page.data.length, body });
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end();
    });
}
