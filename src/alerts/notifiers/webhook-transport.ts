// POSTing any JSON body to a webhook receiver, signed with the HMAC scheme of inbound webhooks, with an id header
// that is the same on every attempt. Knows nothing of alerts: a digest posts through it too.
import type { HttpClient } from '../../net/http-client.js';
import { SIGNATURE_HEADER, signBody } from '../../net/webhook-signature.js';
import { DeliveryError, isRetryableStatus, redactSecrets, remoteReason, unexpectedDeliveryError } from './notifier.js';

export const EVENT_ID_HEADER = 'x-buzzwatch-event-id';

export interface WebhookTransport {
  /** Resolves on a 2xx answer; throws a DeliveryError (never quoting the URL or secret) otherwise. */
  post(body: unknown, eventId: string): Promise<void>;
}

/** The request for a body: the exact bytes and the headers that sign them at `now`. */
export function signedRequest(body: unknown, eventId: string, secret: string, now: Date = new Date()): { body: string; headers: Record<string, string> } {
  const text = JSON.stringify(body);
  return {
    body: text,
    headers: {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signBody(secret, text, now),
      [EVENT_ID_HEADER]: eventId,
    },
  };
}

export function webhookTransport(target: { url: string; secret: string }, deps: { http: HttpClient; timeoutMs: number }): WebhookTransport {
  const service = `the webhook receiver at ${hostOf(target.url)}`;
  const secrets = [target.url, target.secret];
  return {
    async post(payload, eventId) {
      const { body, headers } = signedRequest(payload, eventId, target.secret);
      let status: number;
      let answer: Buffer;
      try {
        const response = await deps.http.request({ url: target.url, method: 'POST', headers, body, timeoutMs: deps.timeoutMs });
        status = response.status;
        answer = response.body;
      } catch (error) {
        throw unexpectedDeliveryError(error, service, secrets);
      }
      if (status >= 200 && status <= 299) return;
      const reason = remoteReason(redactSecrets(answer.toString('utf8'), secrets));
      const advice = isRetryableStatus(status) ? '' : "; check the channel's url and secret against the receiver";
      throw new DeliveryError(`${service} answered HTTP ${status}${reason === '' ? '' : ` (${reason})`}${advice}`, isRetryableStatus(status));
    },
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}
