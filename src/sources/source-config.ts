// Config fields every source has, whatever its type; each kind's schema spreads these into its own.
import { createHash } from 'node:crypto';
import { Type, type StaticDecode, type TObject, type TProperties } from '@sinclair/typebox';
import { ByteSize, Duration, HttpUrl, Id } from '../config/schema-types.js';
import { isSecretName, redactUrl } from '../net/redact-url.js';
import type { Source, SourceEnvironment, SourceKind } from './source.js';

/** No source is polled more often than this: a typo such as "5ms" for "5m" must not hammer someone's server. */
export const MIN_POLL_INTERVAL = '30s';

export const sourceBaseFields = {
  id: Id(),
  type: Type.String(),
  every: Type.Optional(Duration({ default: '5m' })),
  brands: Type.Optional(Type.Array(Id(), { minItems: 1 })),
  /** A source that has found nothing for this long is reported `silent`: a feed that quietly stopped is an incident. */
  expect_every: Type.Optional(Duration()),
};

/** A source's config entry after validation, with durations in milliseconds. */
export interface SourceConfig {
  id: string;
  type: string;
  every: number;
  brands?: string[];
  expect_every?: number;
  /** Bytes; absent: the HTTP client's default cap. */
  max_body_size?: number;
  [field: string]: unknown;
}

/** Fields every search-API kind has: where the API is (tests point it at loopback) and how far the first poll reaches. */
export function searchSourceFields(defaultBaseUrl: string) {
  return {
    base_url: HttpUrl({ default: defaultBaseUrl }),
    /** The first poll (and a poll after the source's query changed) fetches this far back, marked as backfill. */
    backfill: Duration({ default: '24h' }),
    max_body_size: MaxBodySize(),
  };
}

// The body is held whole and parsed in memory (an XML feed's parsed form is several times its size), so the cap can
// be raised for a big feed, not without bound.
export const MAX_BODY_SIZE_CEILING = '64MiB';

/**
 * `max_body_size:` for a source that fetches over HTTP: the most one answer's body may hold, counted after
 * decompression (default: the client's 5 MiB). No default here: an absent key leaves the source's fingerprint as it was.
 */
export const MaxBodySize = () => Type.Optional(ByteSize());

// RFC 9110 token characters; a value is one line (a line break would smuggle another header).
const HEADER_NAME = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";
const MAX_HEADER_VALUE_LENGTH = 8_192;

/**
 * `headers:` for a source that fetches over HTTP: sent with every request (to that origin: a redirect elsewhere drops
 * credentials). Values may use ${VAR}, so a token stays in the environment.
 */
export const RequestHeaders = () =>
  Type.Optional(
    Type.Record(
      Type.String({ pattern: HEADER_NAME }),
      // No {value} in the message: a header value is often a secret.
      Type.String({
        pattern: '^[^\\r\\n\\u0000]*$',
        maxLength: MAX_HEADER_VALUE_LENGTH,
        errorMessage: `must be one line of at most ${MAX_HEADER_VALUE_LENGTH} characters`,
      }),
      { additionalProperties: false },
    ),
  );

export function sourceConfigSchema<Fields extends TProperties>(fields: Fields) {
  return Type.Object({ ...sourceBaseFields, ...fields }, { additionalProperties: false });
}

/**
 * Registers a kind with a typed `create`; the loader has validated the entry against `configSchema` (and applied
 * its defaults) before `create` is called, which is what makes the one cast here sound.
 */
export function defineSourceKind<Schema extends TObject>(kind: {
  configSchema: Schema;
  create: (config: StaticDecode<Schema> & SourceConfig, environment: SourceEnvironment) => Source;
}): SourceKind {
  return {
    configSchema: kind.configSchema,
    create: (config, environment) => kind.create(config as StaticDecode<Schema> & SourceConfig, environment),
  };
}

const CREDENTIAL_FIELD = /(secret|password|token|^key$)/;

/**
 * A hash of the fields that decide what a source fetches (its URL, query, credentials…), leaving out those that only
 * decide when it polls, which brands it feeds, how far its first poll reaches back and when it counts as silent: a
 * source pointed somewhere else starts over, with a first poll that is backfill again, while a new interval changes
 * nothing. `searchKey` is what a search source asks for (its brands' queries): a new query starts over too.
 */
export function fetchFingerprint(config: SourceConfig, searchKey?: string): string {
  // max_body_size too: a cap raised for a big feed fetches the same feed.
  const { id: _id, every: _every, brands: _brands, expect_every: _expectEvery, backfill: _backfill, max_body_size: _maxBodySize, ...fetched } = config;
  // Credentials decide who asks, not what is fetched: a rotated password must not restart the source, and even a
  // hash of a secret does not belong in the database. That holds for credential fields, credential headers, and
  // the userinfo and token-like query values of URLs.
  const fetchFields = Object.fromEntries(
    Object.entries(fetched)
      .filter(([field]) => !CREDENTIAL_FIELD.test(field))
      .map(([field, value]) => [field, field === 'headers' ? headersWithoutCredentials(value) : withoutUrlCredentials(value)]),
  );
  const hashed = searchKey === undefined ? fetchFields : { ...fetchFields, '#search': searchKey };
  return createHash('sha256').update(stableJson(hashed)).digest('hex').slice(0, 16);
}

function withoutUrlCredentials(value: unknown): unknown {
  return typeof value === 'string' && /^https?:\/\//i.test(value) ? redactUrl(value) : value;
}

function headersWithoutCredentials(headers: unknown): unknown {
  if (headers === null || typeof headers !== 'object') return headers;
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !isSecretName(name)));
}

/** JSON with object keys sorted at every depth, so equal configs hash equally whatever their key order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${stableJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
