// GET /v1/mentions (filtered, newest first, keyset-paged) and GET /v1/mentions/:id.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SentimentLabel } from '../../sentiment/score-sentiment.js';
import { findMention, listMentions, type MentionFilter, type StoredMention } from '../../store/mention-queries.js';
import type { ApiDeps } from '../api-deps.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { ApiError, ErrorCode } from '../errors.js';
import { checkStoryId } from '../story-id-parameter.js';
import { assertKnownSource } from '../known-ids.js';
import { parseTimeParameter } from '../time-parameter.js';
import { zoneOf } from '../time-scope.js';

/** The filters of GET /v1/mentions, which GET /v1/mentions/export takes as well. */
export const MentionFilterParameters = {
  brand: Type.Optional(Type.String({ minLength: 1 })),
  source: Type.Optional(Type.String({ minLength: 1 })),
  sentiment: Type.Optional(
    Type.Unsafe<SentimentLabel>({ type: 'string', enum: ['positive', 'neutral', 'negative'] satisfies SentimentLabel[] }),
  ),
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
  const brandIds = deps.config.brands.map((brand) => brand.id);
  if (query.brand !== undefined && !brandIds.includes(query.brand)) {
    throw new ApiError(ErrorCode.validation, `brand "${query.brand}" is not configured (known: ${brandIds.join(', ')})`);
  }
  if (query.source !== undefined) await assertKnownSource('source', query.source, deps.config, deps.readDatabase ?? deps.database);
  if (query.story !== undefined) checkStoryId(query.story, 'story');
  const zone = zoneOf(query.tz, deps.config);
  return {
    brand: query.brand,
    source: query.source,
    sentiment: query.sentiment,
    since: parseTimeParameter('since', query.since, { zone }),
    until: parseTimeParameter('until', query.until, { zone }),
    q: query.q,
    includeBackfill: query.include_backfill,
    story: query.story,
  };
}

/**
 * A mention is in one story per brand. `story_id` is the story of the brand asked for (?brand=, ?story=), else of
 * its first brand; `stories` maps each of its brands to its story.
 */
export function serializeMention(mention: StoredMention, focus: { brand?: string; story?: string } = {}) {
  const stories = Object.fromEntries(mention.brands.map((brand, at) => [brand, mention.storyIds[at] ?? null]));
  const focusBrand = focus.brand !== undefined && focus.brand in stories ? focus.brand : mention.brands[0];
  const storyId = focus.story ?? (focusBrand === undefined ? null : (stories[focusBrand] ?? null));
  return {
    id: mention.id,
    brands: mention.brands,
    story_id: storyId,
    stories,
    source: { id: mention.sourceId, type: mention.sourceType },
    url: mention.url,
    title: mention.title,
    text: mention.text,
    author: mention.author,
    lang: mention.lang,
    published_at: mention.publishedAt?.toISOString() ?? null,
    seen_at: mention.seenAt.toISOString(),
    // The time the mention counts at (published_at, or seen_at when undated or dated in the future): what the list
    // is ordered by and what since/until filter on.
    occurred_at: mention.occurredAt.toISOString(),
    backfill: mention.backfill,
    reach: mention.reach,
    sentiment: mention.sentiment,
  };
}

export const mentionRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get('/mentions', { schema: { querystring: MentionsQuery } }, async (request) => {
    const query = request.query;
    const page = await listMentions(deps.readDatabase ?? deps.database, {
      ...(await readMentionFilter(query, deps)),
      limit: query.limit,
      after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
    });
    return {
      data: page.mentions.map((mention) => serializeMention(mention, { brand: query.brand, story: query.story })),
      next_cursor: page.next === null ? null : encodeCursor(page.next),
    };
  });

  app.get('/mentions/:id', { schema: { params: Type.Object({ id: Type.String() }) } }, async (request) => {
    const mention = await findMention(deps.readDatabase ?? deps.database, request.params.id);
    if (mention === null) throw new ApiError(ErrorCode.notFound, `no mention with id ${request.params.id}`);
    return { data: serializeMention(mention) };
  });
};
