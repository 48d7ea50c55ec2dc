// POST /v1/stream-tokens: a short-lived token that opens live streams (GET /v1/stream?token=...) where an
// Authorization header cannot be sent (a browser's EventSource). Any key may ask; the token stands for that key.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { issueStreamToken } from '../../live/stream-token-store.js';
import type { ApiDeps } from '../api-deps.js';
import { ApiError, ErrorCode } from '../errors.js';
import { responses } from '../response-schemas.js';

const StreamTokenResponse = Type.Object(
  {
    token: Type.String({ description: 'opaque, 256 random bits (base64url); pass as ?token= to GET /v1/stream' }),
    expires_at: Type.String({ format: 'date-time', description: 'streams can be opened with it until then (api.stream_token_ttl); an open stream is not cut when it expires' }),
  },
  { additionalProperties: false },
);

export const streamTokenRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.post(
    '/stream-tokens',
    {
      schema: {
        description: 'A short-lived token for GET /v1/stream, for clients that cannot send an Authorization header (EventSource).',
        response: responses(StreamTokenResponse, 201),
      },
      config: { scope: 'read' },
    },
    async (request, reply) => {
      if (deps.live === undefined) throw new ApiError(ErrorCode.unavailable, 'live streams are not available in this process');
      const issued = await issueStreamToken(
        deps.live.redis,
        deps.live.keyPrefix,
        // requireApiKey found the key; its scope at this moment is the token's.
        { keyName: request.apiKeyName ?? '', scope: deps.config.api.keys.find((key) => key.name === request.apiKeyName)?.scope ?? 'read' },
        deps.config.api.stream_token_ttl,
        new Date(),
      );
      // A credential: no cache may keep it.
      void reply.status(201).header('cache-control', 'no-store');
      return { token: issued.token, expires_at: issued.expiresAt.toISOString() };
    },
  );
};
