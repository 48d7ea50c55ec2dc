// GET /v1/stories (filtered, keyset-paged in three orders) and GET /v1/stories/:id (with its spread timeline and
// latest mentions).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listMentions } from '../../store/mention-queries.js';
import {
  findStory,
  listStories,
  storySpread,
  type StorySentiment,
  type StorySort,
  type StorySummary,
} from '../../store/story-queries.js';
import type { ApiDeps } from '../api-deps.js';
import { StoryPageResponse, StoryResponse, responses } from '../response-schemas.js';
import { ApiError, ErrorCode } from '../errors.js';
import { decodeStoryCursor, encodeStoryCursor } from '../story-cursor.js';
import { assertKnownBrand } from '../known-ids.js';
import { checkStoryId } from '../story-id-parameter.js';
import { parseTimeParameter } from '../time-parameter.js';
import { zoneOf } from '../time-scope.js';
import { serializeMention } from './mentions.js';

const StoriesQuery = Type.Object(
  {
    brand: Type.Optional(Type.String({ minLength: 1 })),
    since: Type.Optional(Type.String()),
    until: Type.Optional(Type.String()),
    tz: Type.Optional(Type.String({ description: 'IANA zone a since/until date (2026-11-01) is read in; default reports.timezone' })),
    sentiment: Type.Optional(
      Type.Unsafe<StorySentiment>({ type: 'string', enum: ['negative', 'positive', 'neutral'] satisfies StorySentiment[] }),
    ),
    sort: Type.Unsafe<StorySort>({ type: 'string', enum: ['recent', 'spread', 'size'] satisfies StorySort[], default: 'recent' }),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);

export type StoriesQuery = Static<typeof StoriesQuery>;

/** Mentions shown with one story; GET /v1/mentions?story=ID pages through all of them. */
const DETAIL_MENTIONS = 50;

function serializeStory(story: StorySummary) {
  return {
    id: story.id,
    brand: story.brand,
    title: story.title,
    first_seen_at: story.firstSeenAt.toISOString(),
    last_seen_at: story.lastSeenAt.toISOString(),
    mentions: story.mentions,
    sites: story.sites,
    authors: story.authors,
    negative_share: story.negativeShare,
    sites_last_6h: story.sitesLast6h,
    first_site: story.firstSite,
    sample_urls: story.sampleUrls,
    open: story.open,
  };
}

export const storyRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get('/stories', { schema: { querystring: StoriesQuery, response: responses(StoryPageResponse) } }, async (request) => {
    const query = request.query;
    if (query.brand !== undefined) assertKnownBrand('brand', query.brand, deps.config);
    // Dates and calendar spans are read in the zone /v1/mentions reads them in, so both answer for the same days.
    const zone = zoneOf(query.tz, deps.config);
    const page = await listStories(deps.readDatabase ?? deps.database, {
      brand: query.brand,
      since: parseTimeParameter('since', query.since, { zone }),
      until: parseTimeParameter('until', query.until, { zone }),
      sentiment: query.sentiment,
      sort: query.sort,
      limit: query.limit,
      after: query.cursor === undefined ? undefined : decodeStoryCursor(query.cursor, query.sort),
    });
    return {
      data: page.stories.map(serializeStory),
      next_cursor: page.next === null ? null : encodeStoryCursor(page.next),
    };
  });

  app.get('/stories/:id', { schema: { params: Type.Object({ id: Type.String() }), response: responses(StoryResponse) } }, async (request) => {
    const storyId = checkStoryId(request.params.id, 'story id');
    const story = await findStory(deps.readDatabase ?? deps.database, storyId);
    if (story === null) throw new ApiError(ErrorCode.notFound, `no story with id ${storyId}`);
    const [spread, latest] = await Promise.all([
      storySpread(deps.readDatabase ?? deps.database, storyId),
      listMentions(deps.readDatabase ?? deps.database, { story: storyId, limit: DETAIL_MENTIONS }),
    ]);
    return {
      data: {
        ...serializeStory(story),
        timeline: spread.map((site) => ({
          site: site.site,
          first_seen_at: site.firstSeenAt.toISOString(),
          first_url: site.firstUrl,
          mentions: site.mentions,
        })),
        latest_mentions: latest.mentions.map((mention) => serializeMention(mention, { story: storyId })),
      },
    };
  });
};
