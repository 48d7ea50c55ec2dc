// GET /v1/stats: mentions of one or more brands per hour, day, week or month, by sentiment or by source, site,
// language or author.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { INTERVALS } from '../../analytics/buckets.js';
import { brandStatistics, GROUPINGS } from '../../analytics/statistics.js';
import type { ApiDeps } from '../api-deps.js';
import { StatsResponse, responses } from '../response-schemas.js';
import { StringEnum } from '../string-enum.js';
import { knownBrandIds } from '../known-ids.js';
import { readTimeScope, TimeScopeParameters, withinBucketLimit } from '../time-scope.js';

const StatsQuery = Type.Object(
  {
    brand: Type.String({ minLength: 1, description: 'brand id, or several separated by commas' }),
    ...TimeScopeParameters,
    interval: StringEnum(INTERVALS, { default: 'day' }),
    group_by: StringEnum(GROUPINGS, { default: 'sentiment' }),
    keys: Type.Integer({ minimum: 1, maximum: 200, default: 20, description: 'keys per brand with their own rows; the rest are summed as "(other)"' }),
  },
  { additionalProperties: false },
);

/** Without since, stats cover the last 30 days. */
const DEFAULT_SPAN_DAYS = 30;

export const statsRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get('/stats', { schema: { querystring: StatsQuery, response: responses(StatsResponse) } }, async (request) => {
    const query = request.query;
    const brandIds = knownBrandIds('brand', query.brand, deps.config);
    const scope = readTimeScope(query, deps.config, DEFAULT_SPAN_DAYS);
    return withinBucketLimit(() =>
      brandStatistics(deps.readDatabase ?? deps.database, {
        brandIds,
        since: scope.since,
        until: scope.until,
        interval: query.interval,
        zone: scope.zone,
        groupBy: query.group_by,
        includeBackfill: scope.includeBackfill,
        keys: query.keys,
      }),
    );
  });
};
