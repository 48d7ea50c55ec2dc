// The body a webhook sender posts: one mention, or {"mentions": [...]} (1 to 500). Every field is checked, unknown
// fields included (a typo such as "publised_at" must be refused, not dropped), and problems name the field as sent.
import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value';
import { pointerToPath } from '../config/schema-problems.js';
import { HttpUrl } from '../config/schema-types.js';
import { MAX_TEXT_LENGTH, MAX_TITLE_LENGTH } from '../mentions/clean-item.js';
import type { SourceItem } from '../mentions/mention.js';
import { ApiError, ErrorCode } from './errors.js';
import { decodeJsonBody } from './json-body-text.js';

export const MAX_MENTIONS_PER_PUSH = 500;
// The limits cleanSourceItem cuts at: a longer value is refused here so that nothing is cut without the sender knowing.
const MAX_URL_LENGTH = 8_000;
const MAX_ID_LENGTH = 2_000;
const MAX_AUTHOR_LENGTH = 300;
// Reported problems per answer: enough to fix a batch, short enough to read.
const MAX_REPORTED_PROBLEMS = 10;

/** An optional field may also be sent as null (many senders serialise "no value" that way). */
const optionalOrNull = <Schema extends TSchema>(schema: Schema, errorMessage: string) =>
  Type.Optional(Type.Union([schema, Type.Null()], { errorMessage: `${errorMessage}, or null` }));

const PushedMentionSchema = Type.Object(
  {
    url: HttpUrl({ maxLength: MAX_URL_LENGTH, errorMessage: `must be an http(s) URL of at most ${MAX_URL_LENGTH} characters` }),
    text: Type.String({ maxLength: MAX_TEXT_LENGTH, errorMessage: `must be a string of at most ${MAX_TEXT_LENGTH} characters` }),
    id: optionalOrNull(
      Type.Union([Type.String({ minLength: 1, maxLength: MAX_ID_LENGTH }), Type.Integer()]),
      `must be a string of 1 to ${MAX_ID_LENGTH} characters or a whole number`,
    ),
    title: optionalOrNull(Type.String({ maxLength: MAX_TITLE_LENGTH }), `must be a string of at most ${MAX_TITLE_LENGTH} characters`),
    author: optionalOrNull(Type.String({ maxLength: MAX_AUTHOR_LENGTH }), `must be a string of at most ${MAX_AUTHOR_LENGTH} characters`),
    published_at: optionalOrNull(
      Type.String({ format: 'date-time' }),
      'must be an ISO 8601 time with a time zone, such as 2026-01-31T09:30:00Z',
    ),
    lang: optionalOrNull(
      Type.String({ pattern: '^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$' }),
      'must be a language tag such as en or pt-BR',
    ),
    reach: optionalOrNull(Type.Number({ minimum: 0 }), 'must be a number of at least 0'),
  },
  { additionalProperties: false },
);
export type PushedMention = Static<typeof PushedMentionSchema>;

const PushedBatchSchema = Type.Object(
  {
    mentions: Type.Array(PushedMentionSchema, {
      minItems: 1,
      maxItems: MAX_MENTIONS_PER_PUSH,
      errorMessage: `must be an array of 1 to ${MAX_MENTIONS_PER_PUSH} mentions`,
    }),
  },
  { additionalProperties: false },
);

const BODY_SHAPE = 'one mention object, or {"mentions": [...]}';

// A valid body (nearly every one) is only checked, by compiled code; walking the schema for errors, ten times slower
// on a push of 500 mentions, is for a body that has some.
const isPushedBatch = TypeCompiler.Compile(PushedBatchSchema);
const isPushedMention = TypeCompiler.Compile(PushedMentionSchema);

/**
 * The mentions in a raw body read in the charset `contentType` declares, as source items; throws a 400 ApiError
 * naming every bad field (up to a limit), a 415 for a charset that cannot be read.
 */
export function readPushedMentions(rawBody: Buffer, contentType?: string): SourceItem[] {
  const body = parseJson(decodeJsonBody(rawBody, contentType));
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError(ErrorCode.validation, `the body must be a JSON object: ${BODY_SHAPE}`);
  }
  const isBatch = Object.hasOwn(body, 'mentions');
  const schema = isBatch ? PushedBatchSchema : PushedMentionSchema;
  const valid = isBatch ? isPushedBatch.Check(body) : isPushedMention.Check(body);
  const problems = valid ? [] : schemaProblems(schema, body);
  if (problems.length > 0) throw new ApiError(ErrorCode.validation, describeProblems(problems));
  const mentions = isBatch ? (body as Static<typeof PushedBatchSchema>).mentions : [body as PushedMention];
  return mentions.map(toSourceItem);
}

function parseJson(text: string): unknown {
  if (text.trim() === '') throw new ApiError(ErrorCode.validation, `the body is empty; send ${BODY_SHAPE}`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(ErrorCode.validation, `the body is not valid JSON: ${(error as Error).message}`);
  }
}

/** One sentence per bad field, the field written as the sender wrote it (`mentions[3].url`). */
function schemaProblems(schema: TObject, body: unknown): string[] {
  const problems = new Map<string, string>();
  for (const error of Value.Errors(schema, body)) {
    const path = pointerToPath(error.path);
    if (!problems.has(path)) problems.set(path, `${path} ${describe(error)}`);
  }
  return [...problems.values()];
}

function describe(error: ValueError): string {
  if (error.type === ValueErrorType.ObjectAdditionalProperties) {
    const known = Object.keys((error.schema as TObject).properties ?? {});
    return `is not a known field (known: ${known.join(', ')})`;
  }
  if (error.type === ValueErrorType.ObjectRequiredProperty) return 'is required';
  return (error.schema as { errorMessage?: string }).errorMessage ?? error.message.charAt(0).toLowerCase() + error.message.slice(1);
}

function describeProblems(problems: string[]): string {
  const shown = problems.slice(0, MAX_REPORTED_PROBLEMS).join('; ');
  const more = problems.length - MAX_REPORTED_PROBLEMS;
  return more > 0 ? `${shown}; and ${more} more` : shown;
}

function toSourceItem(mention: PushedMention): SourceItem {
  return {
    externalId: mention.id === undefined || mention.id === null ? null : String(mention.id),
    url: mention.url,
    title: mention.title ?? null,
    text: mention.text,
    author: mention.author ?? null,
    lang: primaryLanguage(mention.lang ?? null),
    publishedAt: mention.published_at == null ? null : new Date(mention.published_at),
    reach: mention.reach ?? null,
  };
}

/** "pt-BR" → "pt", as feeds' languages are stored, so lang filters work the same for every source. */
function primaryLanguage(tag: string | null): string | null {
  return tag === null ? null : (tag.split(/[-_]/)[0] ?? tag).toLowerCase();
}
