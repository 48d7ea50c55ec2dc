// Requests that orchestrators and Prometheus make every few seconds (/healthz, /readyz, /metrics): Fastify's own
// request lines (info) are turned off for them and each is logged once at debug instead, so they do not drown the log.
import type { FastifyReply, FastifyRequest } from 'fastify';

const PROBE_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export function isProbeRequest(request: { url?: string }): boolean {
  return PROBE_PATHS.has((request.url ?? '').split('?')[0] ?? '');
}

/** An onResponse hook for the probe routes. */
export async function logProbeAtDebug(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  request.log.debug({ req: request, res: reply, responseTime: reply.elapsedTime }, 'probe request completed');
}
