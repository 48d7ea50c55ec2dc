// A digest as JSON to a webhook receiver: the stored summary in an envelope, signed like alerts
// (X-Buzzwatch-Signature) with X-Buzzwatch-Event-Id set to the delivery id. The schema below is the contract,
// published as digest-webhook.schema.json; fields are only ever added within a version.
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { sendTimeoutMs } from '../../../alerts/notifiers/notifier.js';
import { webhookTransport } from '../../../alerts/notifiers/webhook-transport.js';
import { DIGEST_FIGURES } from '../digest-summary.js';
import { knownDigestPeriods } from '../periods/registry.js';
import type { DigestDelivery, DigestFormat } from './digest-format.js';

export const DIGEST_PAYLOAD_TYPE = 'buzzwatch.digest';
export const DIGEST_PAYLOAD_VERSION = 1;

const Nullable = (description: string) => Type.Union([Type.Number(), Type.Null()], { description });

const FigureSchema = Type.Object(
  {
    value: Nullable('null when it cannot be computed (a share of no scored mention; reach when no mention of this period or the one before told one)'),
    previous: Nullable('The same figure in the period before'),
    change: Nullable('Counts and reach: relative change ((value − previous) / previous); shares and net sentiment: the difference'),
    significant: Type.Boolean({ description: 'p < 0.05 against the previous period, in the monthly report’s test for this figure' }),
    direction: Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('flat')], { description: 'up or down when significant, else flat' }),
    p_value: Type.Number({ minimum: 0, maximum: 1 }),
  },
  { additionalProperties: false },
);

const TopRowSchema = Type.Object(
  {
    key: Type.String(),
    mentions: Type.Integer({ minimum: 0 }),
    negative: Type.Integer({ minimum: 0 }),
    negative_share: Type.Number({ minimum: 0, maximum: 1 }),
    reach: Type.Number({ minimum: 0 }),
  },
  { additionalProperties: false },
);

const MentionSchema = Type.Object(
  {
    id: Type.String(),
    url: Type.Union([Type.String(), Type.Null()]),
    title: Type.Union([Type.String(), Type.Null()]),
    snippet: Type.String(),
    site: Type.String(),
    author: Type.Union([Type.String(), Type.Null()]),
    occurred_at: Type.String({ format: 'date-time' }),
    reach: Nullable('Followers, readers or views, when the source tells'),
    sentiment_score: Type.Number(),
  },
  { additionalProperties: false },
);

const EpisodeSchema = Type.Object(
  {
    episode_id: Type.String(),
    rule_id: Type.String(),
    rule_type: Type.String(),
    title: Type.String({ description: 'The rule type in words' }),
    headline: Type.String({ description: 'What it found at its peak: "37 negative mentions"' }),
    started_at: Type.String({ format: 'date-time' }),
    resolved_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'null while it still fires' }),
  },
  { additionalProperties: false },
);

const BrandSchema = Type.Object(
  {
    brand: Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false }),
    flags: Type.Array(Type.String(), { description: "The monthly report's flags in words (monthly digests); empty otherwise" }),
    figures: Type.Object(Object.fromEntries(DIGEST_FIGURES.map((name) => [name, FigureSchema])), { additionalProperties: false }),
    episodes: Type.Array(EpisodeSchema, { maxItems: 5, description: 'Alert episodes that started in the period, the earliest first; figures.alert_episodes counts them all' }),
    top: Type.Object({ sites: Type.Array(TopRowSchema), authors: Type.Array(TopRowSchema), terms: Type.Array(TopRowSchema) }, { additionalProperties: false }),
    worst_mentions: Type.Array(MentionSchema, { description: 'The most negative mentions, the widest-reaching first among equals' }),
  },
  { additionalProperties: false },
);

export const DigestWebhookSchema = Type.Object(
  {
    type: Type.Literal(DIGEST_PAYLOAD_TYPE),
    version: Type.Literal(DIGEST_PAYLOAD_VERSION),
    delivery_id: Type.String({ description: 'The same on every attempt (also in X-Buzzwatch-Event-Id): deduplicate on it' }),
    digest: Type.Object(
      {
        digest_id: Type.String(),
        every: Type.Union(knownDigestPeriods.map((every) => Type.Literal(every))),
        period: Type.Object(
          {
            key: Type.String({ description: '2026-10-25 (a day, or the Monday of a week), 2026-11 (a month)' }),
            label: Type.String(),
            since: Type.String({ format: 'date-time' }),
            until: Type.String({ format: 'date-time', description: 'Exclusive' }),
            tz: Type.String({ description: 'IANA time zone of the period' }),
            previous_label: Type.String({ description: 'The period the changes are against, in words' }),
          },
          { additionalProperties: false },
        ),
        brands: Type.Array(BrandSchema),
      },
      { additionalProperties: false },
    ),
  },
  {
    $id: 'urn:buzzwatch:digest-webhook:1',
    title: 'buzzwatch outbound digest webhook',
    description: 'The JSON body buzzwatch POSTs to a webhook channel for a digest, signed in X-Buzzwatch-Signature.',
    additionalProperties: false,
  },
);
export type DigestWebhookPayload = Static<typeof DigestWebhookSchema>;

/** Where the schema is published in the repository (`npm run schema:webhook` writes it). */
export const DIGEST_SCHEMA_FILE = fileURLToPath(new URL('./digest-webhook.schema.json', import.meta.url));

/** The schema as the published JSON file holds it. */
export function digestSchemaJson(): string {
  return `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...DigestWebhookSchema }, null, 2)}\n`;
}

/** The exact JSON body for a digest. Pure. */
export function digestWebhookPayload(delivery: DigestDelivery): DigestWebhookPayload {
  return { type: DIGEST_PAYLOAD_TYPE, version: DIGEST_PAYLOAD_VERSION, delivery_id: delivery.deliveryId, digest: delivery.summary as DigestWebhookPayload['digest'] };
}

export const webhookDigestFormat: DigestFormat = {
  async send(channel, delivery, deps) {
    // The loader validated the entry against the webhook kind's schema.
    const target = channel as unknown as { url: string; secret: string };
    await webhookTransport(target, { http: deps.http, timeoutMs: sendTimeoutMs(channel, deps) }).post(digestWebhookPayload(delivery), delivery.deliveryId);
  },
};
