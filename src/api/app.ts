// The Fastify app factory: routes and error handling, no listening (see workers/api.ts), so tests inject requests.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerFactory, type RouteOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import { packageVersion } from '../cli/version.js';
import type { ApiDeps } from './api-deps.js';
import { limitRequestsPerKey, requireApiKey } from './auth.js';
import { refuseRequestsWhileClosing } from './closing-guard.js';
import { registerOpenApi } from './openapi.js';
import { answerFrameworkError, clientErrorAnswer, registerErrorHandlers } from './error-handler.js';
import { ApiError, ErrorCode } from './errors.js';
import { OneLinePerRequest } from './request-log-controller.js';
import { adminRoutes } from './routes/admin.js';
import { alertRoutes } from './routes/alerts.js';
import { brandRoutes } from './routes/brands.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { healthRoutes } from './routes/health.js';
import { keyRoutes } from './routes/key.js';
import { mentionExportRoutes } from './routes/mentions-export.js';
import { mentionRoutes } from './routes/mentions.js';
import { metricsRoutes } from './routes/metrics.js';
import { reportRoutes } from './routes/reports.js';
import { shareOfVoiceRoutes } from './routes/share-of-voice.js';
import { silenceRoutes } from './routes/silences.js';
import { sourceRoutes } from './routes/sources.js';
import { storyRoutes } from './routes/stories.js';
import { streamTokenRoutes } from './routes/stream-tokens.js';
import { createLiveHub, streamRoutes } from './routes/stream.js';
import { statsRoutes } from './routes/stats.js';
import { topRoutes } from './routes/top.js';
import { webhookRoutes } from './routes/webhooks.js';
import { serverTimeouts } from './server-timeouts.js';
import { findUnstorableInput } from './storable-input.js';
import { redeemStreamToken } from '../live/stream-token-store.js';
import { countWebhookResponses } from './webhook-metrics.js';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Ends the app's live streams and stops its reader of the live event log (closing the app does it too). For an
     * app that stays open but no longer gets requests: the listening app after a config reload (workers/api.ts).
     */
    endLiveStreams(): Promise<void>;
  }
}

export interface AppOptions {
  logger: Logger;
  /** "health" serves only /healthz, /readyz and /metrics (for poller and scorer processes). */
  routes?: 'all' | 'health';
  /** Told about every route as it is registered (a fuzz test walks them all). */
  onRoute?: (route: RouteOptions) => void;
  /** For an app that takes over a running server's requests after a config reload (see workers/api.ts). */
  serverFactory?: FastifyServerFactory;
}

export async function buildApp(deps: ApiDeps, options: AppOptions): Promise<FastifyInstance> {
  const timeouts = serverTimeouts(deps.config.api.request_timeout);
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; naming the wider type keeps plugin types at their defaults.
    loggerInstance: options.logger as FastifyBaseLogger,
    logController: new OneLinePerRequest(),
    ...(options.serverFactory === undefined ? {} : { serverFactory: options.serverFactory }),
    bodyLimit: 1024 * 1024,
    requestTimeout: timeouts.requestTimeoutMs,
    connectionTimeout: timeouts.idleTimeoutMs,
    http: timeouts.http,
    // A request cut off at its deadline (or malformed HTTP) is answered in the API's error shape too.
    clientErrorHandler: clientErrorAnswer(timeouts.requestTimeoutMs),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, useDefaults: true } },
    // A malformed URL (bad percent-encoding, an over-long parameter) is answered in the API's error shape too.
    frameworkErrors: answerFrameworkError,
    // Requests arriving while the server drains get our 503 (see closing-guard.ts), not Fastify's.
    return503OnClosing: false,
  }).withTypeProvider<TypeBoxTypeProvider>();
  if (options.onRoute !== undefined) app.addHook('onRoute', options.onRoute);
  const liveHub = options.routes === 'health' ? null : createLiveHub(deps, options.logger);
  app.decorate('endLiveStreams', async () => liveHub?.close());
  if (liveHub !== null) {
    app.addHook('onReady', () => liveHub.start());
    // Before the server waits for open requests to finish: a stream never would.
    app.addHook('preClose', () => liveHub.close());
  }
  refuseRequestsWhileClosing(app);
  registerErrorHandlers(app, { queryTimeoutMs: deps.config.api.query_timeout });
  // After schema validation (and its type coercion), before any handler can pass a value to PostgreSQL.
  app.addHook('preHandler', async (request) => {
    const problem = findUnstorableInput(request);
    if (problem !== null) throw new ApiError(ErrorCode.validation, problem);
  });
  app.addHook('onResponse', countWebhookResponses(deps.config));
  // Before every route, so that each is in the document.
  if (options.routes !== 'health') await registerOpenApi(app, packageVersion());
  await app.register(healthRoutes, { deps });
  await app.register(metricsRoutes, { deps, sharedState: options.routes !== 'health' });
  if (options.routes !== 'health') {
    await app.register(
      async (v1) => {
        const live = deps.live;
        requireApiKey(v1, deps.config.api.keys, live && ((token) => redeemStreamToken(live.redis, live.keyPrefix, token)));
        await limitRequestsPerKey(v1, deps.config.api.rate_limit);
        await v1.register(mentionRoutes, { deps });
        await v1.register(mentionExportRoutes, { deps });
        await v1.register(brandRoutes, { deps });
        await v1.register(sourceRoutes, { deps });
        await v1.register(alertRoutes, { deps });
        await v1.register(silenceRoutes, { deps });
        await v1.register(storyRoutes, { deps });
        await v1.register(statsRoutes, { deps });
        await v1.register(shareOfVoiceRoutes, { deps });
        await v1.register(topRoutes, { deps });
        await v1.register(reportRoutes, { deps });
        await v1.register(adminRoutes, { deps });
        await v1.register(streamTokenRoutes, { deps });
        await v1.register(streamRoutes, { deps, hub: liveHub });
        await v1.register(keyRoutes, { deps });
      },
      { prefix: '/v1' },
    );
    // Outside the API-key scope: a webhook sender signs its body instead (see routes/webhooks.ts).
    await app.register(webhookRoutes, { deps, prefix: '/v1' });
    await app.register(dashboardRoutes);
  }
  return app;
}

