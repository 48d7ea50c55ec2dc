// The HTTP server of a process: the API on HOST:PORT, or, for a process without the api role, just the health and
// metrics endpoints on HEALTH_PORT (default PORT + 1 for a poller, + 2 for a scorer, + 3 for an alerter), so roles
// started as separate processes on one host never fight over the API's port.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../src/api/api-deps.js';
import { buildApp } from '../src/api/app.js';
import { moduleLogger } from '../src/runtime/logger.js';
import { apiDepsOf, type Runtime } from '../src/runtime/runtime.js';
import type { Settings } from '../src/runtime/settings.js';
import type { Role, RunningRole } from './role.js';

const HEALTH_PORT_OFFSET: Record<Exclude<Role, 'api'>, number> = { poller: 1, scorer: 2, alerter: 3 };

/** The port a process asks for: PORT with the api role; otherwise HEALTH_PORT, or PORT plus its first role's offset. */
export function wantedPort(settings: Pick<Settings, 'port' | 'healthPort'>, roles: readonly Role[]): number {
  if (roles.includes('api')) return settings.port;
  if (settings.healthPort != null) return settings.healthPort;
  if (settings.port === 0) return 0;
  const [first] = roles.filter((role): role is Exclude<Role, 'api'> => role !== 'api');
  const port = settings.port + (first === undefined ? 1 : HEALTH_PORT_OFFSET[first]);
  return port > 65535 ? 0 : port;
}

type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

export async function startHttp(
  runtime: Runtime,
  roles: readonly Role[],
  extraDeps: Pick<ApiDeps, 'reloadConfig'> = {},
): Promise<RunningRole & { port: number }> {
  const routes = roles.includes('api') ? 'all' : 'health';
  // A poller's health server logs as `health`, not `api`: ops reading a poller's log must not think it serves /v1.
  const logger = moduleLogger(runtime.logger, routes === 'all' ? 'api' : 'health');
  const depsNow = (): ApiDeps => ({ ...apiDepsOf(runtime), ...extraDeps });
  // The first app owns the listening server (with its timeouts); a reload builds the next app beside it and hands it
  // the server's requests in one step, so no request finds the API missing or half configured.
  const listening = await buildApp(depsNow(), { logger, routes });
  const host = runtime.settings.host;
  const port = wantedPort(runtime.settings, roles);
  try {
    await listening.listen({ port, host });
  } catch (error) {
    // Several scorers or pollers on one host cannot all have the same health port; the later ones move to a free
    // port (logged) rather than the process failing. The API itself must be where it was asked to be.
    if (routes === 'all' || (error as { code?: string }).code !== 'EADDRINUSE') throw error;
    await listening.listen({ port: 0, host });
    logger.warn({ wanted: port, port: listeningPort(listening.server.address(), port) }, 'health port is taken: health endpoints moved');
  }
  let serving: FastifyInstance = listening;

  return {
    name: routes === 'all' ? 'api' : 'health',
    port: listeningPort(listening.server.address(), port),
    async reload() {
      let handler: RequestHandler | undefined;
      const next = await buildApp(depsNow(), {
        logger,
        routes,
        // Never listens: its request handler is taken and given to the listening server.
        serverFactory: (nextHandler) => {
          handler = nextHandler;
          return createServer();
        },
      });
      await next.ready();
      if (handler === undefined) throw new Error('the reloaded app gave no request handler');
      const server = listening.server;
      server.removeAllListeners('request');
      server.on('request', handler);
      const previous = serving;
      serving = next;
      // Requests already inside the previous app finish there; it only stops taking new ones. Its live streams end
      // (a stream never finishes): clients reconnect to the new app, under the new config, and resume.
      if (previous !== listening) await previous.close();
      else await previous.endLiveStreams();
    },
    async close() {
      if (serving !== listening) await serving.close();
      await listening.close();
    },
  };
}

function listeningPort(address: string | AddressInfo | null, fallback: number): number {
  return typeof address === 'object' && address !== null ? address.port : fallback;
}
