// POST /v1/admin/reload (admin key): re-reads the config file and puts it in force without a restart, or answers
// 422 with every problem of an invalid file while the config in force keeps running.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiDeps } from '../api-deps.js';
import { ApiError, ErrorCode, errorBody } from '../errors.js';
import { ReloadRefusedResponse, ReloadResponse, responses } from '../response-schemas.js';

export const adminRoutes: FastifyPluginAsyncTypebox<{ deps: Pick<ApiDeps, 'reloadConfig'> }> = async (app, { deps }) => {
  app.post('/admin/reload', { schema: { response: { ...responses(ReloadResponse), 200: ReloadResponse, 422: ReloadRefusedResponse } } }, async (_request, reply) => {
    if (deps.reloadConfig === undefined) throw new ApiError(ErrorCode.notFound, 'this process cannot reload its config');
    const outcome = await deps.reloadConfig();
    if (!outcome.ok) {
      const count = `${outcome.problems.length} problem${outcome.problems.length === 1 ? '' : 's'}`;
      const body = errorBody(ErrorCode.invalidConfig, `${outcome.file}: ${count}; the config in force keeps running`);
      return reply.status(422).send({ error: { ...body.error, problems: outcome.problems } });
    }
    return {
      data: {
        reloaded_at: new Date().toISOString(),
        brands: outcome.brands,
        sources: outcome.sources,
        rules: outcome.rules,
        warnings: outcome.warnings,
      },
    };
  });
};
