// GET /v1/mentions (filtered, newest first, keyset-paged), GET /v1/mentions/:id, and PATCH /v1/mentions/:id to
// correct a mention's sentiment by hand (write or admin key).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SCORED_LABELS, SENTIMENT_LABELS, type ScoredLabel, type SentimentLabel } from '../../sentiment/sentiment-label.js';
import { findMention, listMentions, type MentionFilter, type MentionPage, type StoredMention } from '../../store/mention-queries.js';
import { setSentimentOverride } from '../../store/mention-sentiment-store.js';
import type { ApiDeps } from '../api-deps.js';
import { MentionPageResponse, MentionResponse, responses } from '../response-schemas.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { ApiError, ErrorCode } from '../errors.js';
import { checkStoryId } from '../story-id-parameter.js';
import { assertKnownBrand, assertKnownSource } from '../known-ids.js';
import { parseTimeParameter } from '../time-parameter.js';
import { zoneOf } from '../time-scope.js';

/** The filters of GET /v1/mentions, which GET /v1/mentions/export takes as well. */
export const MentionFilterParameters = {
  brand: Type.Optional(Type.String({ minLength: 1 })),
  source: Type.Optional(Type.String({ minLength: 1 })),
  sentiment: Type.Optional(Type.Unsafe<SentimentLabel>({ type: 'string', enum: [...SENTIMENT_LABELS] })),
  // ISO 639-1, as stored: en, pl.
  lang: Type.Optional(Type.String({ pattern: '^[a-z]{2}$' })),
  since: Type.Optional(Type.String()),
  until: Type.Optional(Type.String()),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  tz: Type.Optional(Type.String({ description: 'IANA zone a since/until date (2026-11-01) is read in; default reports.timezone' })),
  include_backfill: Type.Boolean({ default: true, description: "false leaves out mentions found by a source's first poll" }),
  story: Type.Optional(Type.String()),
};

const MentionsQuery = Type.Object(
  {
    ...MentionFilterParameters,
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);

export type MentionsQuery = Static<typeof MentionsQuery>;
type MentionFilterQuery = Static<ReturnType<typeof Type.Object<typeof MentionFilterParameters>>>;

/** The filter a query asks for, every id checked (an unknown brand or source is a 400). */
export async function readMentionFilter(query: MentionFilterQuery, deps: ApiDeps): Promise<Omit<MentionFilter, 'limit' | 'after'>> {
  const filter = readConfiguredFilter(query, deps);
  if (filter.source !== undefined) await assertKnownSource('source', filter.source, deps.config, deps.readDatabase ?? deps.database);
  return filter;
}

/**
 * The filter a query asks for with every id checked that the config alone can check: a source that is not configured
 * (one dropped from the config keeps its history) is left to the caller.
 */
function readConfiguredFilter(query: MentionFilterQuery, deps: ApiDeps): Omit<MentionFilter, 'limit' | 'after'> {
  if (query.brand !== undefined) assertKnownBrand('brand', query.brand, deps.config);
  if (query.story !== undefined) checkStoryId(query.story, 'story');
  const zone = zoneOf(query.tz, deps.config);
  return {
    brand: query.brand,
    source: query.source,
    sentiment: query.sentiment,
    lang: query.lang,
    since: parseTimeParameter('since', query.since, { zone }),
    until: parseTimeParameter('until', query.until, { zone }),
    q: query.q,
    includeBackfill: query.include_backfill,
    story: query.story,
  };
}

const SentimentPatch = Type.Object(
  {
    // null returns to the model's label.
    sentiment: Type.Union([Type.Unsafe<ScoredLabel>({ type: 'string', enum: [...SCORED_LABELS] }), Type.Null()]),
  },
  { additionalProperties: false },
);

/**
 * A mention is in one story per brand. `story_id` is the story of the brand asked for (?brand=, ?story=), else of
 * its first brand; `stories` maps each of its brands to its story. Its keys are in the order of MentionSchema's
 * properties, the order the schema's serialiser writes them in, so that JSON.stringify writes a page byte for byte as
 * that serialiser did (see mentionPageJson).
 */
export function serializeMention(mention: StoredMention, focus: { brand?: string; story?: string } = {}) {
  const stories = Object.fromEntries(mention.brands.map((brand, at) => [brand, mention.storyIds[at] ?? null]));
  const focusBrand = focus.brand !== undefined && focus.brand in stories ? focus.brand : mention.brands[0];
  const storyId = focus.story ?? (focusBrand === undefined ? null : (stories[focusBrand] ?? null));
  return {
    id: mention.id,
    brands: mention.brands,
    source: { id: mention.sourceId, type: mention.sourceType },
    url: mention.url,
    title: mention.title,
    text: mention.text,
    author: mention.author,
    lang: mention.lang,
    published_at: mention.publishedAt,
    seen_at: mention.seenAt,
    // The time the mention counts at (published_at, or seen_at when undated or dated in the future): what the list
    // is ordered by and what since/until filter on.
    occurred_at: mention.occurredAt,
    backfill: mention.backfill,
    reach: mention.reach,
    sentiment: mention.sentiment,
    story_id: storyId,
    stories,
    // "manual" while an override decides the label; the model's own label and the scorer version that gave it.
    sentiment_source: mention.sentimentSource,
    sentiment_override:
      mention.override === null
        ? null
        : { label: mention.override.label, set_by: mention.override.by, set_at: mention.override.at },
    model_sentiment: { label: mention.modelSentiment.label, scorer_version: mention.modelSentiment.version },
  };
}

// What Fastify sends for a serialised answer.
const JSON_UTF8 = 'application/json; charset=utf-8';

/**
 * A page of GET /v1/mentions as JSON: the bytes MentionPageResponse's serialiser (fast-json-stringify) wrote, written
 * by JSON.stringify, which builds one flat string where that serialiser joined a rope of small pieces that was then
 * flattened again to be sent: half the serialiser's garbage and no more CPU (bench:api, 1M, newest pages: 41 → 33
 * young-generation collections per 1 000 pages, each a pause in whichever request it falls on). Same bytes because
 * serializeMention's keys are in the schema's order and both escape strings alike (mentions.test.ts compares them on
 * generated pages).
 */
export function mentionPageJson(page: MentionPage, focus: { brand?: string; story?: string }): string {
  return JSON.stringify({
    data: page.mentions.map((mention) => serializeMention(mention, focus)),
    next_cursor: page.next === null ? null : encodeCursor(page.next),
  });
}

export const mentionRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get('/mentions', { schema: { querystring: MentionsQuery, response: responses(MentionPageResponse) } }, async (request, reply) => {
    const query = request.query;
    const database = deps.readDatabase ?? deps.database;
    const filter = readConfiguredFilter(query, deps);
    const page = await listMentions(
      database,
      { ...filter, limit: query.limit, after: query.cursor === undefined ? undefined : decodeCursor(query.cursor) },
      deps.pageDatabase,
    );
    // A mention of a source is stored history of it, so only an empty page asks whether the source is known at all:
    // a page costs one statement whatever source it names.
    if (page.mentions.length === 0 && filter.source !== undefined) {
      await assertKnownSource('source', filter.source, deps.config, database);
    }
    return reply.type(JSON_UTF8).send(mentionPageJson(page, { brand: query.brand, story: query.story }));
  });

  app.get('/mentions/:id', { schema: { params: Type.Object({ id: Type.String() }), response: responses(MentionResponse) } }, async (request) => {
    const mention = await findMention(deps.readDatabase ?? deps.database, request.params.id);
    if (mention === null) throw new ApiError(ErrorCode.notFound, `no mention with id ${request.params.id}`);
    return { data: serializeMention(mention) };
  });

  app.patch(
    '/mentions/:id',
    { schema: { params: Type.Object({ id: Type.String() }), body: SentimentPatch, response: responses(MentionResponse) }, config: { scope: 'write' } },
    async (request) => {
      const { id } = request.params;
      const found = await setSentimentOverride(deps.database, id, {
        label: request.body.sentiment,
        by: request.apiKeyName ?? 'unknown',
        at: new Date(),
      });
      if (!found) throw new ApiError(ErrorCode.notFound, `no mention with id ${id}`);
      const mention = await findMention(deps.database, id);
      if (mention === null) throw new ApiError(ErrorCode.notFound, `no mention with id ${id}`);
      return { data: serializeMention(mention) };
    },
  );
};
