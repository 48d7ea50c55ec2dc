// GET /v1/key: the name and scope of the key the request was made with, so a client (the dashboard) can tell what it
// may offer: a read key sees everything read-only, a write key may also correct sentiment, an admin key everything.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiDeps } from '../api-deps.js';
import { ApiError, ErrorCode } from '../errors.js';
import { KeyResponse, responses } from '../response-schemas.js';

export const keyRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get('/key', { schema: { response: responses(KeyResponse) } }, async (request) => {
    // Key names are unique (the config loader refuses duplicates), and never the key itself.
    const key = deps.config.api.keys.find((candidate) => candidate.name === request.apiKeyName);
    if (key === undefined) throw new ApiError(ErrorCode.unauthorized, 'unknown API key');
    return { data: { name: key.name, scope: key.scope } };
  });
};
