// GET /v1/brands: the configured brands with how often each has been mentioned.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { brandMentionTotals } from '../../store/stats-queries.js';
import type { ApiDeps } from '../api-deps.js';
import { BrandListResponse, responses } from '../response-schemas.js';

const BrandsQuery = Type.Object(
  { include_backfill: Type.Boolean({ default: false, description: "count mentions found by a source's first poll" }) },
  { additionalProperties: false },
);

export const brandRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get('/brands', { schema: { querystring: BrandsQuery, response: responses(BrandListResponse) } }, async (request) => {
    const totals = await brandMentionTotals(deps.readDatabase ?? deps.database, request.query.include_backfill);
    return {
      data: deps.config.brands.map((brand) => ({
        id: brand.id,
        name: brand.name,
        // A brand has keywords (and exclude) or a query; the other is null.
        keywords: brand.keywords ?? null,
        exclude: brand.query === undefined ? brand.exclude : null,
        query: brand.query ?? null,
        competitors: brand.competitors,
        mentions_total: totals.get(brand.id)?.total ?? 0,
        last_mention_at: totals.get(brand.id)?.lastAt?.toISOString() ?? null,
      })),
    };
  });
};
