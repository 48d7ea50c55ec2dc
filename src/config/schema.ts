// The shape of buzzwatch.yaml. Source entries are checked in two steps (see load-config.ts): here only their `type`,
// then against the schema of that source kind from the registry.
import { Type, type StaticDecode } from '@sinclair/typebox';
import type { ChannelConfig } from '../alerts/notifiers/notifier.js';
import { AlertsSchema, type RuleConfig } from '../alerts/rule-config.js';
import { DigestsSchema } from '../analytics/digests/digest-config.js';
import type { DigestEvery } from '../analytics/digests/periods/registry.js';
import { ReportsSchema } from '../analytics/reports-config.js';
import type { SourceConfig } from '../sources/source-config.js';
import { Duration, Id, NonEmptyString } from './schema-types.js';

const Phrase = NonEmptyString();

export const BrandSchema = Type.Object(
  {
    id: Id(),
    name: NonEmptyString(),
    // A brand gives keywords (with exclude) or a query, not both: load-config.ts checks that and the query syntax.
    keywords: Type.Optional(Type.Array(Phrase, { minItems: 1, errorMessage: 'needs at least one keyword' })),
    query: Type.Optional(NonEmptyString()),
    exclude: Type.Array(Phrase, { default: [] }),
    competitors: Type.Array(Id(), { default: [] }),
  },
  { additionalProperties: false },
);

const SourceEntrySchema = Type.Object(
  { type: Type.String({ errorMessage: 'is required: the kind of source (e.g. rss)' }) },
  { additionalProperties: true },
);

const ApiKeySchema = Type.Object(
  {
    name: NonEmptyString(),
    key: Type.String({ minLength: 16, errorMessage: 'must be at least 16 characters (a guessable key is no key)' }),
    scope: Type.Union([Type.Literal('read'), Type.Literal('write'), Type.Literal('admin')], {
      errorMessage: '{value} is not a scope (use read, write or admin)',
    }),
  },
  { additionalProperties: false },
);

const PositiveInteger = (defaultValue: number) =>
  Type.Integer({ minimum: 1, maximum: 256, default: defaultValue, errorMessage: 'must be a whole number from 1 to 256' });

/** Shortest settings that still work: a shorter outbound timeout fails every fetch, a shorter job lock makes
 * BullMQ hand live jobs to a second worker. */
export const MIN_HTTP_TIMEOUT = '1s';
export const MIN_STALLED_AFTER = '2s';
export const MIN_REQUEST_TIMEOUT = '1s';
export const MIN_CHECK_SCHEDULES_EVERY = '1s';
export const MIN_QUERY_TIMEOUT = '100ms';
export const MIN_STREAM_TOKEN_TTL = '1s';
export const MIN_STREAM_HEARTBEAT = '100ms';
/**
 * Longest setting that runs as a Node.js timer (setTimeout, setInterval, AbortSignal.timeout): past 2^31-1 ms (24.8
 * days) Node sets the timer to 1 ms, so a 30d http.timeout failed every fetch at once and a 30d
 * check_schedules_every asked Redis every millisecond.
 */
export const MAX_TIMER_DURATION = '24d';
/** The monthly report compares a month with the one before: shorter retention would empty its comparison. */
export const MIN_MENTION_RETENTION = '62d';

export const ConfigSchema = Type.Object(
  {
    brands: Type.Array(BrandSchema, { minItems: 1, errorMessage: 'needs at least one brand to watch' }),
    sources: Type.Array(SourceEntrySchema, { default: [] }),
    api: Type.Object(
      {
        keys: Type.Array(ApiKeySchema, { default: [] }),
        // A request (headers and body) must have arrived within this: a client trickling bytes is cut off.
        request_timeout: Duration({ default: '30s' }),
        // PostgreSQL cancels an API query running longer than this: a search too broad to answer is a 503, not a hang.
        query_timeout: Duration({ default: '10s' }),
        // Requests per API key per window (per API process); more get 429 until the window has passed.
        rate_limit: Type.Object(
          {
            max: Type.Integer({ minimum: 1, default: 1200, errorMessage: 'must be a whole number of at least 1' }),
            window: Duration({ default: '1m' }),
          },
          { additionalProperties: false, default: {} },
        ),
        // How long a token from POST /v1/stream-tokens may open live streams (GET /v1/stream?token=...).
        stream_token_ttl: Duration({ default: '5m' }),
        // A live stream gets a comment line this often, so proxies and browsers see the connection is alive.
        stream_heartbeat: Duration({ default: '15s' }),
      },
      { additionalProperties: false, default: {} },
    ),
    database: Type.Object(
      {
        // Connections per pool: a process opens one pool for its workers and, running the API, one for the API.
        pool_size: Type.Integer({ minimum: 1, maximum: 1000, default: 10, errorMessage: 'must be a whole number from 1 to 1000' }),
        // The API prepares the statements of GET /v1/mentions pages once per connection (a pool of its own). Off for a
        // connection pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21, or
        // without max_prepared_statements): every page is then planned for its values, like every other query.
        prepared_statements: Type.Boolean({ default: true }),
      },
      { additionalProperties: false, default: {} },
    ),
    http: Type.Object(
      {
        timeout: Duration({ default: '15s' }),
        user_agent: Type.Optional(NonEmptyString()),
      },
      { additionalProperties: false, default: {} },
    ),
    queue: Type.Object(
      {
        poll_concurrency: PositiveInteger(4),
        score_concurrency: PositiveInteger(2),
        // Worker threads per scorer process that score mentions (language, sentiment, search text, story terms)
        // beside the main thread, which reads jobs and writes to PostgreSQL; 0: scored on the main thread.
        score_threads: Type.Integer({ minimum: 0, maximum: 64, default: 1, errorMessage: 'must be a whole number from 0 to 64' }),
        // How long a job whose worker died stays locked before another worker takes it over.
        stalled_after: Duration({ default: '30s' }),
        // How often each poller and alerter checks that its job schedulers are still in Redis (also on reconnect).
        check_schedules_every: Duration({ default: '1m' }),
      },
      { additionalProperties: false, default: {} },
    ),
    alerts: AlertsSchema,
    stories: Type.Object(
      {
        // A story with no new mention for this long closes; a later mention of the same news starts a new story.
        quiet_period: Duration({ default: '72h' }),
      },
      { additionalProperties: false, default: {} },
    ),
    reports: ReportsSchema,
    digests: DigestsSchema,
    retention: Type.Object(
      {
        // Mentions older than this are deleted (whole months at once) and not stored when they arrive; absent: kept.
        mentions: Type.Optional(Duration()),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type BrandConfig = StaticDecode<typeof BrandSchema>;
export type ApiKeyConfig = StaticDecode<typeof ApiKeySchema>;
export type DigestConfig = Omit<StaticDecode<typeof DigestsSchema>[number], 'every'> & { every: DigestEvery };

type DecodedConfig = StaticDecode<typeof ConfigSchema>;
export type AlertsConfig = Omit<DecodedConfig['alerts'], 'channels' | 'rules'> & { channels: ChannelConfig[]; rules: RuleConfig[] };

/** A loaded, valid configuration: defaults applied, durations in milliseconds, sources, channels and rules checked
 * by their kind. */
export type Config = Omit<DecodedConfig, 'sources' | 'alerts' | 'digests'> & { sources: SourceConfig[]; alerts: AlertsConfig; digests: DigestConfig[] };
