// GET /v1/mentions (filtered, newest first, keyset-paged) and GET /v1/mentions/:id.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SentimentLabel } from '../../sentiment/score-sentiment.js';
import { findMention, listMentions, type StoredMention } from '../../store/mention-queries.js';
import type { ApiDeps } from '../api-deps.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { ApiError, ErrorCode } from '../errors.js';
import { checkStoryId } from '../story-id-parameter.js';
import { parseTimeParameter } from '../time-parameter.js';

const MentionsQuery = Type.Object(
  {
    brand: Type.Optional(Type.String({ minLength: 1 })),
    source: Type.Optional(Type.String({ minLength: 1 })),
    sentiment: Type.Optional(
      Type.Unsafe<SentimentLabel>({ type: 'string', enum: ['positive', 'neutral', 'negative'] satisfies SentimentLabel[] }),
    ),
    since: Type.Optional(Type.String()),
    until: Type.Optional(Type.String()),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    story: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export type MentionsQuery = Static<typeof MentionsQuery>;

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
  const brandIds = new Set(deps.config.brands.map((brand) => brand.id));

  app.get('/mentions', { schema: { querystring: MentionsQuery } }, async (request) => {
    const query = request.query;
    if (query.brand !== undefined && !brandIds.has(query.brand)) {
      throw new ApiError(ErrorCode.validation, `brand "${query.brand}" is not configured (known: ${[...brandIds].join(', ')})`);
    }
    if (query.story !== undefined) checkStoryId(query.story, 'story');
    const page = await listMentions(deps.database, {
      brand: query.brand,
      source: query.source,
      sentiment: query.sentiment,
      since: parseTimeParameter('since', query.since),
      until: parseTimeParameter('until', query.until),
      q: query.q,
      story: query.story,
      limit: query.limit,
      after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
    });
    return {
      data: page.mentions.map((mention) => serializeMention(mention, { brand: query.brand, story: query.story })),
      next_cursor: page.next === null ? null : encodeCursor(page.next),
    };
  });

  app.get('/mentions/:id', { schema: { params: Type.Object({ id: Type.String() }) } }, async (request) => {
    const mention = await findMention(deps.database, request.params.id);
    if (mention === null) throw new ApiError(ErrorCode.notFound, `no mention with id ${request.params.id}`);
    return { data: serializeMention(mention) };
  });
};
