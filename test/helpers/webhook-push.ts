// Posts a body to POST /v1/webhooks/:sourceId the way a sender does: raw bytes, signed with the source's secret
// (or with whatever header a test wants to try), and reads the answer as text and JSON.
import type { Queue } from 'bullmq';
import { SIGNATURE_HEADER, signBody } from '../../src/net/webhook-signature.js';

export interface PushAnswer {
  status: number;
  text: string;
  body: any;
}

export interface PushOptions {
  /** Signs the body with this secret (now, unless `signedAt`); ignored when `signature` is given. */
  secret?: string;
  signedAt?: Date;
  /** The exact header to send instead of a computed one; null sends none. */
  signature?: string | null;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Every signature header sent by pushWebhook in this test file, to check none of them reaches a log line. */
export const sentSignatures: string[] = [];

export async function pushWebhook(baseUrl: string, sourceId: string, rawBody: string | Buffer, options: PushOptions): Promise<PushAnswer> {
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json', ...options.headers };
  const signature = options.signature !== undefined ? options.signature : signBody(requiredSecret(options), body, options.signedAt);
  if (signature !== null) {
    headers[SIGNATURE_HEADER] = signature;
    sentSignatures.push(signature);
  }
  const response = await fetch(`${baseUrl}/v1/webhooks/${sourceId}`, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, text, body: text === '' ? null : JSON.parse(text) };
}

function requiredSecret(options: PushOptions): string {
  if (options.secret === undefined) throw new Error('pushWebhook needs a secret or an explicit signature');
  return options.secret;
}

/** Jobs a queue has ever held (it keeps completed ones), so "nothing was queued" is a count that did not move. */
export async function jobsEverQueued(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused', 'completed', 'failed', 'waiting-children');
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}
