// The outbound webhook's body: the AlertEvent in snake_case, like the rest of the API. The schema below is the
// contract, published as alert-webhook.schema.json (see README); fields are only ever added within a version.
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import type { AlertEvent, AlertSampleMention, RuleReport } from '../alert-event.js';

export const WEBHOOK_PAYLOAD_TYPE = 'buzzwatch.alert';
/** 2: one message per alert naming every rule (`rules`), snake_case throughout. */
export const WEBHOOK_PAYLOAD_VERSION = 2;

const Timestamp = (description: string) => Type.String({ format: 'date-time', description });
const NullableTimestamp = (description: string) => Type.Union([Timestamp(description), Type.Null()]);
const NullableNumber = (description: string) => Type.Union([Type.Number(), Type.Null()], { description });
const Ranked = Type.Array(Type.Object({ name: Type.String(), count: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }));

const CountsSchema = Type.Object(
  {
    mentions: Type.Integer({ minimum: 0, description: "Every mention of the brand in the rule's window" }),
    negative: Type.Integer({ minimum: 0 }),
    negative_share: NullableNumber('Negative mentions over those with a known sentiment, 0 to 1'),
    usual_negative_share: NullableNumber("The brand's usual negative share, when the rule compares it"),
    matching: Type.Integer({ minimum: 0, description: 'What the rule counted: mentions (negative ones, those with a term…), or stories for a volume_spike with count: stories' }),
    baseline: NullableNumber('What the baseline expected of the counted stream over the window'),
    ratio: NullableNumber('The counted stream over its baseline'),
    sites: Type.Integer({ minimum: 0, description: 'Distinct sites (hosts) of the counted mentions' }),
    authors: Type.Integer({ minimum: 0, description: 'Distinct authors of the counted mentions' }),
  },
  { additionalProperties: false },
);

const RuleSchema = Type.Object(
  {
    rule_id: Type.String(),
    rule_type: Type.String({ description: 'volume_spike, negative_buzz, threshold, keyword, high_reach_negative, silence, …' }),
    title: Type.String({ description: 'The rule type in words' }),
    status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
    is_new: Type.Boolean({
      description: 'In an update: the rule joined the alert with this message (named in this channel for the first time); false in firing, reminder and resolved messages',
    }),
    summary: Type.String({ description: "The rule's sentence; for a calm rule, its figures at their peak" }),
    figures: Type.Array(Type.Object({ label: Type.String(), value: Type.String() }, { additionalProperties: false })),
    counts: CountsSchema,
    window_ms: Type.Integer({ minimum: 1 }),
    started_at: Timestamp('When its signal began'),
    resolved_at: NullableTimestamp('When it calmed'),
  },
  { additionalProperties: false },
);

const SampleSchema = Type.Object(
  {
    mention_id: Type.String(),
    url: Type.Union([Type.String(), Type.Null()]),
    title: Type.Union([Type.String(), Type.Null()]),
    snippet: Type.String(),
    author: Type.Union([Type.String(), Type.Null()]),
    source_id: Type.String(),
    site: Type.String(),
    sentiment: Type.String(),
    sentiment_score: Type.Union([Type.Number(), Type.Null()], { description: 'null when its language has no scorer (sentiment unknown)' }),
    reach: NullableNumber('Followers, readers or views, when the source tells'),
    published_at: NullableTimestamp('When it was published'),
  },
  { additionalProperties: false },
);

export const WebhookPayloadSchema = Type.Object(
  {
    type: Type.Literal(WEBHOOK_PAYLOAD_TYPE),
    version: Type.Literal(WEBHOOK_PAYLOAD_VERSION),
    event: Type.Object(
      {
        event_id: Type.String({ description: 'The same on every attempt: deduplicate on it (also in X-Buzzwatch-Event-Id)' }),
        alert_id: Type.String({ description: 'GET /v1/alerts/{alert_id}; POST /v1/alerts/{alert_id}/ack' }),
        kind: Type.Union([Type.Literal('firing'), Type.Literal('update'), Type.Literal('reminder'), Type.Literal('resolved')]),
        at: Timestamp('When the message was decided'),
        brand: Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false }),
        started_at: Timestamp('When the buzz started'),
        resolved_at: NullableTimestamp('Set on resolved messages'),
        duration_ms: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'Set on resolved messages' }),
        rules: Type.Array(RuleSchema, { minItems: 1 }),
        top_sites: Ranked,
        top_authors: Ranked,
        samples: Type.Array(SampleSchema, { maxItems: 3 }),
        in_reply_to: Type.Union([Type.String(), Type.Null()], { description: "The event_id of this channel's firing message" }),
      },
      { additionalProperties: false },
    ),
  },
  {
    $id: 'urn:buzzwatch:alert-webhook:2',
    title: 'buzzwatch outbound alert webhook',
    description: 'The JSON body buzzwatch POSTs to a webhook channel, signed in X-Buzzwatch-Signature.',
    additionalProperties: false,
  },
);

export type WebhookPayload = Static<typeof WebhookPayloadSchema>;

/** Where the schema is published in the repository (`npm run schema:webhook` writes it). */
export const WEBHOOK_SCHEMA_FILE = fileURLToPath(new URL('./alert-webhook.schema.json', import.meta.url));

/** The schema as the published JSON file holds it. */
export function webhookSchemaJson(): string {
  return `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...WebhookPayloadSchema }, null, 2)}\n`;
}

/** The body for an event, field by field, so the JSON keeps the documented shape whatever else the object carries. */
export function webhookPayload(event: AlertEvent): WebhookPayload {
  return {
    type: WEBHOOK_PAYLOAD_TYPE,
    version: WEBHOOK_PAYLOAD_VERSION,
    event: {
      event_id: event.eventId,
      alert_id: event.alertId,
      kind: event.kind,
      at: event.at,
      brand: { id: event.brand.id, name: event.brand.name },
      started_at: event.startedAt,
      resolved_at: event.resolvedAt,
      duration_ms: event.durationMs,
      rules: event.rules.map(rulePayload),
      top_sites: event.topSites.map(({ name, count }) => ({ name, count })),
      top_authors: event.topAuthors.map(({ name, count }) => ({ name, count })),
      samples: event.samples.map(samplePayload),
      in_reply_to: event.inReplyTo,
    },
  };
}

function rulePayload(rule: RuleReport) {
  const { counts } = rule;
  return {
    rule_id: rule.ruleId,
    rule_type: rule.ruleType,
    title: rule.title,
    status: rule.status,
    is_new: rule.isNew,
    summary: rule.summary,
    figures: rule.figures.map(({ label, value }) => ({ label, value })),
    counts: {
      mentions: counts.mentions,
      negative: counts.negative,
      negative_share: counts.negativeShare,
      usual_negative_share: counts.usualNegativeShare,
      matching: counts.matching,
      baseline: counts.baseline,
      ratio: counts.ratio,
      sites: counts.sites,
      authors: counts.authors,
    },
    window_ms: rule.windowMs,
    started_at: rule.startedAt,
    resolved_at: rule.resolvedAt,
  };
}

/** A sample mention as the API and the webhook show it. */
export function samplePayload(sample: AlertSampleMention) {
  return {
    mention_id: sample.mentionId,
    url: sample.url,
    title: sample.title,
    snippet: sample.snippet,
    author: sample.author,
    source_id: sample.sourceId,
    site: sample.site,
    sentiment: sample.sentiment,
    sentiment_score: sample.sentimentScore,
    reach: sample.reach,
    published_at: sample.publishedAt,
  };
}
