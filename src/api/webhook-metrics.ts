// Counts webhook pushes for /metrics by outcome: accepted, or rejected with a reason read from the answer's status
// (the route and its checks answer with the API's error codes; see routes/webhooks.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/schema.js';
import { webhookRequests } from '../runtime/metrics.js';
import { sourceKindFor } from '../sources/registry.js';

const WEBHOOK_ROUTE = '/v1/webhooks/:sourceId';

const REJECTION_BY_STATUS: Record<number, string> = {
  400: 'invalid_body',
  401: 'invalid_signature',
  404: 'unknown_source',
  408: 'timeout',
  413: 'too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

/** An onResponse hook for the whole app; only answers of the webhook route are counted. */
export function countWebhookResponses(config: Config) {
  const webhookSources = new Set(config.sources.filter((source) => sourceKindFor(source.type)?.inbound === true).map((source) => source.id));
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (request.routeOptions.url !== WEBHOOK_ROUTE) return;
    const sourceId = (request.params as { sourceId?: string } | undefined)?.sourceId ?? '';
    // Ids from the URL are anyone's to invent: only configured ones become label values.
    const source = webhookSources.has(sourceId) ? sourceId : 'unknown';
    if (reply.statusCode === 202) webhookRequests.inc({ source, outcome: 'accepted', reason: '' });
    else webhookRequests.inc({ source, outcome: 'rejected', reason: REJECTION_BY_STATUS[reply.statusCode] ?? 'error' });
  };
}
