// Response schemas of every route, for the OpenAPI document (and fast serialisation). Objects other plug-ins extend
// (alert episodes, sources, stories) keep additionalProperties, so a field added there is still sent.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * A value or null. A schema of one plain type says so with a type list (`["string", "null"]`): fast-json-stringify
 * writes that directly, while for an anyOf it runs a validator on every value to choose the branch (a 50-mention
 * page took twice as long to serialise as with JSON.stringify).
 */
const Nullable = <Schema extends TSchema>(schema: Schema) =>
  typeof schema.type === 'string' && schema.type !== 'object' && schema.type !== 'null'
    ? Type.Unsafe<Static<Schema> | null>({ ...schema, type: [schema.type, 'null'] })
    : Type.Union([schema, Type.Null()]);
const Time = Type.String({ format: 'date-time' });
const Open = { additionalProperties: true } as const;

export const ErrorResponse = Type.Object(
  { error: Type.Object({ code: Type.String({ pattern: '^BUZZ_ERR_' }), message: Type.String() }, Open) },
  { additionalProperties: true, description: 'every error: a BUZZ_ERR_* code and a message naming what was wrong' },
);

/** The 200 answer with the error answers every /v1 route can give. */
export function responses(ok: TSchema, status = 200): Record<number, TSchema> {
  return { [status]: ok, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse };
}

export const MentionSchema = Type.Object(
  {
    id: Type.String(),
    brands: Type.Array(Type.String()),
    source: Type.Object({ id: Type.String(), type: Type.String() }, Open),
    url: Nullable(Type.String()),
    title: Nullable(Type.String()),
    text: Type.String(),
    author: Nullable(Type.String()),
    lang: Nullable(Type.String()),
    published_at: Nullable(Time),
    seen_at: Time,
    occurred_at: Time,
    backfill: Type.Boolean(),
    reach: Nullable(Type.Number()),
    sentiment: Type.Object({ label: Type.String(), score: Nullable(Type.Number()) }, Open),
    story_id: Nullable(Type.String()),
    stories: Type.Record(Type.String(), Nullable(Type.String()), { description: "each of the mention's brands and its story" }),
    sentiment_source: Type.String(),
    sentiment_override: Type.Union([Type.Object({ label: Type.String(), set_by: Type.String(), set_at: Time }, Open), Type.Null()]),
    model_sentiment: Type.Object({ label: Type.String(), scorer_version: Type.Integer() }, Open),
  },
  Open,
);

export const MentionPageResponse = Type.Object({ data: Type.Array(MentionSchema), next_cursor: Nullable(Type.String()) });
export const MentionResponse = Type.Object({ data: MentionSchema });

export const MentionExportResponse = Type.String({
  description: 'text/csv (RFC 4180, header row) or application/x-ndjson (one mention per line), streamed',
});

export const BrandListResponse = Type.Object({
  data: Type.Array(
    Type.Object(
      {
        id: Type.String(),
        name: Type.String(),
        keywords: Nullable(Type.Array(Type.String())),
        exclude: Nullable(Type.Array(Type.String())),
        query: Nullable(Type.String()),
        competitors: Type.Array(Type.String()),
        mentions_total: Type.Integer(),
        last_mention_at: Nullable(Time),
      },
      Open,
    ),
  ),
});

export const SourceListResponse = Type.Object({
  data: Type.Array(Type.Object({ id: Type.String(), type: Type.String(), status: Type.String() }, Open)),
});
export const PollAcceptedResponse = Type.Object({ data: Type.Object({ source_id: Type.String(), job_id: Type.String() }, Open) });

export const WebhookAcceptedResponse = Type.Object({ accepted: Type.Integer(), matched: Type.Integer() }, Open);

const Alert = Type.Object(
  {
    id: Type.String(),
    brand_id: Type.String(),
    status: Type.String({ enum: ['firing', 'resolved'] }),
    started_at: Time,
    opened_at: Time,
    resolved_at: Nullable(Time),
    acked_at: Nullable(Time),
    acked_by: Nullable(Type.String()),
    rules: Type.Array(Type.Object({ episode_id: Type.String(), rule_id: Type.String(), rule_type: Type.String() }, Open)),
    notifications: Type.Array(Type.Object({ id: Type.String(), channel_id: Type.String(), kind: Type.String(), status: Type.String() }, Open)),
  },
  Open,
);
export const AlertPageResponse = Type.Object({ data: Type.Array(Alert), next_cursor: Nullable(Type.String()) });
export const AlertResponse = Type.Object({ data: Alert });

const Silence = Type.Object({ id: Type.String(), ends_at: Time, comment: Type.String() }, Open);
export const SilenceListResponse = Type.Object({ data: Type.Array(Silence) });
export const SilenceResponse = Type.Object({ data: Silence });
export const NoContentResponse = Type.Null({ description: 'no body' });

const Story = Type.Object({ id: Type.String(), brand: Type.String(), title: Nullable(Type.String()) }, Open);
export const StoryPageResponse = Type.Object({ data: Type.Array(Story), next_cursor: Nullable(Type.String()) });
export const StoryResponse = Type.Object({ data: Story });

export const KeyResponse = Type.Object({
  data: Type.Object({ name: Type.String(), scope: Type.String({ enum: ['read', 'write', 'admin'] }) }, { additionalProperties: false }),
});

export const ReloadResponse = Type.Object({
  data: Type.Object(
    { reloaded_at: Time, brands: Type.Integer(), sources: Type.Integer(), rules: Type.Integer(), warnings: Type.Array(Type.String()) },
    Open,
  ),
});
export const ReloadRefusedResponse = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), problems: Type.Array(Type.Unknown()) }, Open),
});

export const HealthResponse = Type.Object({ status: Type.String() }, Open);
export const ReadyResponse = Type.Object({ status: Type.String(), checks: Type.Record(Type.String(), Type.String()) }, Open);
export const MetricsResponse = Type.String({ description: 'Prometheus text exposition format' });

const SentimentCountsProperties = {
  total: Type.Integer(),
  negative: Type.Integer(),
  reach: Type.Number(),
};
export const StatsResponse = Type.Object({
  interval: Type.String(),
  tz: Type.String(),
  group_by: Type.String(),
  since: Time,
  until: Time,
  data: Type.Array(
    Type.Object({
      brand: Type.String(),
      bucket: Type.String({ description: 'bucket start, ISO 8601 with the offset of tz' }),
      key: Type.Optional(Nullable(Type.String())),
      ...SentimentCountsProperties,
      positive: Type.Optional(Type.Integer()),
      neutral: Type.Optional(Type.Integer()),
      unknown: Type.Optional(Type.Integer()),
    }),
  ),
});

export const ShareOfVoiceResponse = Type.Object({
  by: Type.String(),
  interval: Type.String(),
  tz: Type.String(),
  since: Time,
  until: Time,
  data: Type.Array(Type.Object({ brand: Type.String(), value: Type.Number(), share: Type.Number() })),
  series: Type.Array(
    Type.Object({
      bucket: Type.String(),
      values: Type.Record(Type.String(), Type.Number()),
      shares: Type.Record(Type.String(), Type.Number()),
    }),
  ),
});

const TopRow = Type.Object({
  key: Type.String(),
  mentions: Type.Integer(),
  negative: Type.Integer(),
  negative_share: Type.Number(),
  reach: Type.Number(),
});
export const TopResponse = Type.Object({
  by: Type.String(),
  since: Time,
  until: Time,
  data: Type.Array(TopRow),
  sample: Nullable(Type.Object({ mentions: Type.Integer(), of: Type.Integer(), estimated: Type.Boolean() })),
});

const Figure = Type.Object({
  value: Nullable(Type.Number()),
  previous: Nullable(Type.Number()),
  change: Nullable(Type.Number()),
  baseline: Nullable(Type.Number()),
  significant: Type.Boolean(),
  direction: Type.String({ enum: ['up', 'down', 'flat'] }),
  p_value: Type.Number(),
  test: Type.String(),
  baseline_change: Nullable(Type.Number()),
  baseline_significant: Type.Boolean(),
  baseline_p_value: Type.Number(),
});
export const MonthlyReportResponse = Type.Object({
  data: Type.Object(
    {
      brand: Type.Object({ id: Type.String(), name: Type.String() }),
      competitors: Type.Array(Type.String()),
      month: Type.String(),
      tz: Type.String(),
      since: Time,
      until: Time,
      previous_month: Type.String(),
      baseline_months: Type.Array(Type.String()),
      figures: Type.Record(Type.String(), Figure),
      flags: Type.Array(Type.String()),
      months: Type.Array(Type.Object({ month: Type.String() }, Open)),
      days: Type.Array(Type.Object({ day: Type.String(), mentions: Type.Integer(), negative: Type.Integer() })),
      top: Type.Object({ sites: Type.Array(TopRow), authors: Type.Array(TopRow), terms: Type.Array(TopRow) }),
      worst_mentions: Type.Array(Type.Object({ id: Type.String(), url: Nullable(Type.String()) }, Open)),
      method: Type.String(),
    },
    { description: 'as JSON; format=html gives one self-contained page, format=csv the figures' },
  ),
});
