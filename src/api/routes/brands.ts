// GET /v1/brands: the configured brands with how often each has been mentioned.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { brandTotals } from '../../store/mention-queries.js';
import type { ApiDeps } from '../api-deps.js';

export const brandRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get('/brands', async () => {
    const totals = await brandTotals(deps.database);
    return {
      data: deps.config.brands.map((brand) => ({
        id: brand.id,
        name: brand.name,
        // A brand has keywords (and exclude) or a query; the other is null.
        keywords: brand.keywords ?? null,
        exclude: brand.query === undefined ? brand.exclude : null,
        query: brand.query ?? null,
        competitors: brand.competitors,
        mentions_total: totals.get(brand.id)?.mentionsTotal ?? 0,
        last_mention_at: totals.get(brand.id)?.lastMentionAt?.toISOString() ?? null,
      })),
    };
  });
};
