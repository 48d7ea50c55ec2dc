// GET /v1/stream: live events as Server-Sent Events: `mention` for each mention newly stored (for the brand asked
// for, or any), `alert` whenever an alert opens, is acknowledged, resolves or otherwise changes; a heartbeat comment
// (api.stream_heartbeat); Last-Event-ID (or ?last_event_id=) replays what the log kept after that event. A key in the
// Authorization header, or a token from POST /v1/stream-tokens in ?token= (EventSource sends no headers); never a key
// in the URL. The app's one reader of the log (LiveHub) lives and ends with the app (see app.ts): a reload or a
// shutdown ends every stream, and clients reconnect and resume.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { parseEventId } from '../../live/event-id.js';
import { LiveHub } from '../../live/live-hub.js';
import { formatSseRetry } from '../../live/sse-format.js';
import { moduleLogger } from '../../runtime/logger.js';
import type { Logger } from 'pino';
import type { ApiDeps } from '../api-deps.js';
import { ApiError, ErrorCode } from '../errors.js';
import { knownBrandIds } from '../known-ids.js';
import { liveEventRenderer } from '../live-event-data.js';
import { ErrorResponse, responses } from '../response-schemas.js';

/** What a browser waits before reconnecting a dropped stream. */
export const STREAM_RETRY_MS = 3_000;

const StreamQuery = Type.Object(
  {
    brand: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'a brand id: only its mentions and alerts; omitted: every brand' })),
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'a token from POST /v1/stream-tokens, instead of the Authorization header' })),
    last_event_id: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'as the Last-Event-ID header (which wins): replay the events after this one, then go on live' }),
    ),
  },
  { additionalProperties: false },
);

const EVENT_STREAM_DESCRIPTION =
  'text/event-stream: "retry: 3000" first; then `event: mention` (data: one item as in GET /v1/mentions data[]) and ' +
  '`event: alert` (data: the alert as in the data of GET /v1/alerts/:id), each with an `id:` to resume from; ' +
  'a ": heartbeat" comment every api.stream_heartbeat.';

/** The app's reader of the live event log, or null where the process has none (the routes answer 503). */
export function createLiveHub(deps: ApiDeps, logger: Logger): LiveHub | null {
  const live = deps.live;
  if (live === undefined) return null;
  return new LiveHub({
    redis: live.redis,
    reader: live.openReader(),
    keyPrefix: live.keyPrefix,
    heartbeatMs: deps.config.api.stream_heartbeat,
    // The primary, not a replica: an event must find the row its writer just committed.
    render: liveEventRenderer(deps.database),
    logger: moduleLogger(logger, 'live'),
  });
}

export const streamRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps; hub: LiveHub | null }> = async (app, { deps, hub }) => {
  app.get(
    '/stream',
    {
      schema: {
        description: 'Live mentions and alert changes as Server-Sent Events.',
        querystring: StreamQuery,
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 64 })) }),
        response: {
          ...responses(Type.String()),
          200: { description: EVENT_STREAM_DESCRIPTION, content: { 'text/event-stream': { schema: Type.String() } } },
          429: ErrorResponse,
        },
      },
      config: { scope: 'read', streamToken: true },
    },
    async (request, reply) => {
      if (hub === null) throw new ApiError(ErrorCode.unavailable, 'live streams are not available in this process');
      const { brand, last_event_id: lastEventIdParameter } = request.query;
      if (brand !== undefined && brand.includes(',')) {
        throw new ApiError(ErrorCode.validation, 'brand: one brand id, or none for every brand');
      }
      const [brandId] = brand === undefined ? [undefined] : knownBrandIds('brand', brand, deps.config);
      const header = request.headers['last-event-id'];
      const resumeText = typeof header === 'string' ? header : lastEventIdParameter;
      const resumeAfter = parseEventId(resumeText);
      if (resumeText !== undefined && resumeAfter === null) {
        throw new ApiError(ErrorCode.validation, `${typeof header === 'string' ? 'Last-Event-ID' : 'last_event_id'} is not an event id of this stream`);
      }
      const keyName = request.apiKeyName ?? '';
      const admission = hub.admission(keyName);
      if (admission === 'not-ready') {
        void reply.header('retry-after', '1');
        throw new ApiError(ErrorCode.unavailable, 'the live event log cannot be read right now (Redis); retry shortly');
      }
      if (admission === 'full') {
        void reply.header('retry-after', '5');
        throw new ApiError(ErrorCode.busy, `this server has ${hub.limitsInForce.maxClients} live streams open, its most; retry shortly or on another instance`);
      }
      if (admission === 'key-full') {
        throw new ApiError(ErrorCode.rateLimited, `the key "${keyName}" has ${hub.limitsInForce.maxClientsPerKey} live streams open on this server, its most; close one first`);
      }
      // From here the response is ours, not Fastify's: it stays open until the client leaves or the app closes.
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        // nginx and the like would otherwise hold events back to fill a buffer.
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      response.write(formatSseRetry(STREAM_RETRY_MS));
      await hub.attach({ response, keyName, brandId, resumeAfter });
    },
  );
};
