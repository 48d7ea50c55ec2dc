// GET /v1/alerts (episodes with their events and deliveries), GET /v1/alerts/:id (with the sample mentions),
// POST /v1/alerts/:id/ack (admin: someone is on it, stop the reminders).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { acknowledgeEpisode, findEpisode, listEpisodes } from '../../alerts/alert-queries.js';
import type { ApiDeps } from '../api-deps.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { ApiError, ErrorCode } from '../errors.js';
import { parseTimeParameter } from '../time-parameter.js';

const AlertsQuery = Type.Object(
  {
    brand: Type.Optional(Type.String({ minLength: 1 })),
    rule: Type.Optional(Type.String({ minLength: 1 })),
    status: Type.Optional(Type.Union([Type.Literal('firing'), Type.Literal('resolved')])),
    since: Type.Optional(Type.String()),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);

const EpisodeParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

export const alertRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get('/alerts', { schema: { querystring: AlertsQuery } }, async (request) => {
    const query = request.query;
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const page = await listEpisodes(deps.database, {
      brandId: query.brand,
      ruleId: query.rule,
      status: query.status,
      since: parseTimeParameter('since', query.since),
      after: cursor === undefined ? undefined : { startedAt: cursor.occurredAt, id: cursor.id },
      limit: query.limit,
    });
    const last = page.episodes.at(-1);
    return {
      data: page.episodes,
      next_cursor: page.more && last !== undefined ? encodeCursor({ occurredAt: new Date(last.started_at), id: last.id }) : null,
    };
  });

  app.get('/alerts/:id', { schema: { params: EpisodeParams } }, async (request) => {
    const episode = await findEpisode(deps.database, request.params.id);
    if (episode === null) throw new ApiError(ErrorCode.notFound, `no alert with id ${request.params.id}`);
    return { data: episode };
  });

  app.post('/alerts/:id/ack', { schema: { params: EpisodeParams } }, async (request) => {
    const found = await acknowledgeEpisode(deps.database, request.params.id, request.apiKeyName ?? 'unknown');
    if (!found) throw new ApiError(ErrorCode.notFound, `no alert with id ${request.params.id}`);
    const episode = await findEpisode(deps.database, request.params.id);
    return { data: episode };
  });
};
