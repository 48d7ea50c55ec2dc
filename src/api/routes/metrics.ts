// GET /metrics for Prometheus, without a key (like /healthz; it holds ids and counts, never config values). Every
// role serves its own process metrics; the API role adds the installation's (see shared-state-metrics.ts).
import type { FastifyPluginAsync } from 'fastify';
import { processMetrics } from '../../runtime/metrics.js';
import type { ApiDeps } from '../api-deps.js';
import { logProbeAtDebug } from '../probe-requests.js';
import { MetricsResponse, responses } from '../response-schemas.js';
import { readSharedState, sharedStateRegistry } from '../shared-state-metrics.js';

export interface MetricsRouteOptions {
  deps: Pick<ApiDeps, 'config' | 'database' | 'readDatabase' | 'queueStats' | 'clock'>;
  /** Add the PostgreSQL and Redis gauges: true for the API role only. */
  sharedState: boolean;
}

export const metricsRoutes: FastifyPluginAsync<MetricsRouteOptions> = async (app, { deps, sharedState }) => {
  // Scraped every few seconds: logged at debug only (see probe-requests.ts).
  app.get('/metrics', { onResponse: logProbeAtDebug, schema: { response: responses(MetricsResponse) } }, async (_request, reply) => {
    const own = await processMetrics.metrics();
    const shared = sharedState ? await sharedStateRegistry(await readSharedState(deps, deps.clock?.() ?? new Date())).metrics() : '';
    return reply.type(processMetrics.contentType).send(`${own}\n${shared}`);
  });
};
