// Outbound webhook: the AlertEvent as JSON, POSTed and signed with the same HMAC scheme as inbound webhooks.
//
// Body (stable; fields are only ever added):
//   {"type":"buzzwatch.alert","version":1,"event":{eventId, episodeId, kind, at, brand, rule, summary, windowMs,
//    counts, topSources, topAuthors, samples, startedAt, resolvedAt, durationMs}}
// Headers: X-Buzzwatch-Signature (t=<unix s>,v1=<hex HMAC-SHA256(secret, t + "." + body)>) and X-Buzzwatch-Event-Id,
// the same on every attempt, on which receivers deduplicate.
import { Type } from '@sinclair/typebox';
import { HttpUrl } from '../../config/schema-types.js';
import { SIGNATURE_HEADER, signBody } from '../../net/webhook-signature.js';
import type { AlertEvent, AlertSampleMention } from '../alert-event.js';
import {
  DeliveryError,
  channelConfigSchema,
  defineNotifierKind,
  isRetryableStatus,
  redactSecrets,
  remoteReason,
  sendTimeoutMs,
  unexpectedDeliveryError,
} from './notifier.js';

export const WEBHOOK_PAYLOAD_TYPE = 'buzzwatch.alert';
export const WEBHOOK_PAYLOAD_VERSION = 1;
export const EVENT_ID_HEADER = 'x-buzzwatch-event-id';

export interface WebhookPayload {
  type: typeof WEBHOOK_PAYLOAD_TYPE;
  version: typeof WEBHOOK_PAYLOAD_VERSION;
  event: AlertEvent;
}

/**
 * The body for an event, with the event's fields copied one by one: the JSON keeps the documented shape and order
 * whatever else the object handed in carries.
 */
export function webhookPayload(event: AlertEvent): WebhookPayload {
  const { counts } = event;
  return {
    type: WEBHOOK_PAYLOAD_TYPE,
    version: WEBHOOK_PAYLOAD_VERSION,
    event: {
      eventId: event.eventId,
      episodeId: event.episodeId,
      kind: event.kind,
      at: event.at,
      brand: { id: event.brand.id, name: event.brand.name },
      rule: { id: event.rule.id, type: event.rule.type },
      summary: event.summary,
      windowMs: event.windowMs,
      counts: {
        mentions: counts.mentions,
        negative: counts.negative,
        baseline: counts.baseline,
        ratio: counts.ratio,
        negativeShare: counts.negativeShare,
        usualNegativeShare: counts.usualNegativeShare,
        sources: counts.sources,
      },
      topSources: event.topSources.map(({ name, count }) => ({ name, count })),
      topAuthors: event.topAuthors.map(({ name, count }) => ({ name, count })),
      samples: event.samples.map(samplePayload),
      startedAt: event.startedAt,
      resolvedAt: event.resolvedAt,
      durationMs: event.durationMs,
    },
  };
}

function samplePayload(sample: AlertSampleMention): AlertSampleMention {
  return {
    mentionId: sample.mentionId,
    url: sample.url,
    title: sample.title,
    snippet: sample.snippet,
    author: sample.author,
    sourceId: sample.sourceId,
    site: sample.site,
    sentiment: sample.sentiment,
    sentimentScore: sample.sentimentScore,
    reach: sample.reach,
    publishedAt: sample.publishedAt,
  };
}

/** The request for an event: the exact body and the headers that sign it at `now`. */
export function webhookRequest(event: AlertEvent, secret: string, now: Date = new Date()): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(webhookPayload(event));
  return {
    body,
    headers: {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signBody(secret, body, now),
      [EVENT_ID_HEADER]: event.eventId,
    },
  };
}

export const webhookNotifierKind = defineNotifierKind({
  configSchema: channelConfigSchema({
    // Webhook URLs often carry a token: a config error must not quote them.
    url: HttpUrl({ errorMessage: 'is not an http(s) URL (the value is not shown: it may hold a token)', secret: true }),
    secret: Type.String({
      minLength: 16,
      errorMessage: 'must be at least 16 characters (the value is not shown)',
      secret: true,
    }),
  }),
  create: (config, deps) => {
    const timeoutMs = sendTimeoutMs(config, deps);
    const service = `the webhook receiver at ${hostOf(config.url)}`;
    const secrets = [config.url, config.secret];
    return {
      async send(event) {
        const { body, headers } = webhookRequest(event, config.secret);
        let status: number;
        let answer: Buffer;
        try {
          const response = await deps.http.request({ url: config.url, method: 'POST', headers, body, timeoutMs });
          status = response.status;
          answer = response.body;
        } catch (error) {
          throw unexpectedDeliveryError(error, service, secrets);
        }
        if (status >= 200 && status <= 299) return;
        const reason = remoteReason(redactSecrets(answer.toString('utf8'), secrets));
        const advice = isRetryableStatus(status) ? '' : "; check the channel's url and secret against the receiver";
        throw new DeliveryError(
          `${service} answered HTTP ${status}${reason === '' ? '' : ` (${reason})`}${advice}`,
          isRetryableStatus(status),
        );
      },
    };
  },
});

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}
