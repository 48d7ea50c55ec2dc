// The `webhook` channel kind: the alert as JSON (webhook-payload.ts, schema in alert-webhook.schema.json), POSTed
// and signed (webhook-transport.ts). Headers: X-Buzzwatch-Signature (t=<unix s>,v1=<hex HMAC-SHA256(secret, t + "."
// + body)>) and X-Buzzwatch-Event-Id, the same on every attempt, on which receivers deduplicate.
import { Type } from '@sinclair/typebox';
import { HttpUrl } from '../../config/schema-types.js';
import { channelConfigSchema, defineNotifierKind, sendTimeoutMs } from './notifier.js';
import { webhookPayload } from './webhook-payload.js';
import { webhookTransport } from './webhook-transport.js';

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
    const transport = webhookTransport(config, { http: deps.http, timeoutMs: sendTimeoutMs(config, deps) });
    return {
      send: (event) => transport.post(webhookPayload(event), event.eventId),
    };
  },
});
