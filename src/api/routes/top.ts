// GET /v1/top: the sites, authors, sources, languages, terms or hashtags that carried a brand's mentions.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { brandWordsOf } from '../../analytics/brand-words.js';
import { TOP_DIMENSIONS, topOfBrand } from '../../analytics/top.js';
import type { ApiDeps } from '../api-deps.js';
import { TopResponse, responses } from '../response-schemas.js';
import { StringEnum } from '../string-enum.js';
import { ApiError, ErrorCode } from '../errors.js';
import { knownBrandIds } from '../known-ids.js';
import { readTimeScope, TimeScopeParameters } from '../time-scope.js';

const TopQuery = Type.Object(
  {
    brand: Type.String({ minLength: 1 }),
    ...TimeScopeParameters,
    by: StringEnum(TOP_DIMENSIONS, { default: 'site' }),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  },
  { additionalProperties: false },
);

const DEFAULT_SPAN_DAYS = 30;

export const topRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get('/top', { schema: { querystring: TopQuery, response: responses(TopResponse) } }, async (request) => {
    const query = request.query;
    const [brandId, more] = knownBrandIds('brand', query.brand, deps.config);
    if (brandId === undefined || more !== undefined) throw new ApiError(ErrorCode.validation, 'brand: one brand id');
    const scope = readTimeScope(query, deps.config, DEFAULT_SPAN_DAYS);
    return topOfBrand(deps.readDatabase ?? deps.database, {
      brandId,
      since: scope.since,
      until: scope.until,
      by: query.by,
      limit: query.limit,
      includeBackfill: scope.includeBackfill,
      brandWords: brandWordsOf(deps.config.brands, brandId),
    });
  });
};
