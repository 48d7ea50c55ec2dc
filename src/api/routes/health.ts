// Liveness and readiness for orchestrators: /healthz while the process runs, /readyz only when its dependencies answer.
import type { FastifyPluginAsync } from 'fastify';
import type { ApiDeps } from '../api-deps.js';
import { logProbeAtDebug } from '../probe-requests.js';
import { HealthResponse, ReadyResponse, responses } from '../response-schemas.js';
import { ErrorCode } from '../errors.js';
import { pingDatabase } from '../../store/database.js';

const CHECK_TIMEOUT_MS = 2_000;

export const healthRoutes: FastifyPluginAsync<{ deps: Pick<ApiDeps, 'database' | 'pingRedis'> }> = async (app, { deps }) => {
  // Orchestrators ask every few seconds: these requests are logged at debug only (see probe-requests.ts).
  app.get('/healthz', { onResponse: logProbeAtDebug, schema: { response: responses(HealthResponse) } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { onResponse: logProbeAtDebug, schema: { response: responses(ReadyResponse) } }, async (_request, reply) => {
    const [postgres, redis] = await Promise.all([
      check(() => pingDatabase(deps.database)),
      check(() => deps.pingRedis()),
    ]);
    const checks = { postgres: postgres ?? 'ok', redis: redis ?? 'ok' };
    const down = Object.entries(checks).filter(([, result]) => result !== 'ok');
    if (down.length === 0) return { status: 'ready', checks };
    const message = down.map(([name, reason]) => `${name} is unreachable (${reason})`).join('; ');
    return reply.status(503).send({ error: { code: ErrorCode.notReady, message }, checks });
  });
};

/** Null when `probe` succeeds in time, else a one-line reason. */
async function check(probe: () => Promise<void>): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe(), timeout]);
    return null;
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).split('\n')[0] || 'unreachable';
  } finally {
    clearTimeout(timer);
  }
}
