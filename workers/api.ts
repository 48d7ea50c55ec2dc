// The API role (or, for poller and scorer processes, just the health and metrics endpoints) on HOST:PORT.
import type { AddressInfo } from 'node:net';
import { buildApp } from '../src/api/app.js';
import { moduleLogger } from '../src/runtime/logger.js';
import { apiDepsOf, type Runtime } from '../src/runtime/runtime.js';
import type { RunningRole } from './role.js';

export async function startHttp(runtime: Runtime, routes: 'all' | 'health'): Promise<RunningRole & { port: number }> {
  const logger = moduleLogger(runtime.logger, 'api');
  const app = await buildApp(apiDepsOf(runtime), { logger, routes });
  const { host, port } = runtime.settings;
  try {
    await app.listen({ port, host });
  } catch (error) {
    // Several scorers or pollers on one host cannot all have PORT; their health endpoints move to a free port
    // (logged) rather than the process failing. The API itself must be where it was asked to be.
    if (routes === 'all' || (error as { code?: string }).code !== 'EADDRINUSE') throw error;
    await app.listen({ port: 0, host });
    logger.warn({ wanted: port, port: listeningPort(app.server.address(), port) }, 'PORT is taken: health endpoints moved');
  }
  return { name: routes === 'all' ? 'api' : 'health', port: listeningPort(app.server.address(), port), close: () => app.close() };
}

function listeningPort(address: string | AddressInfo | null, fallback: number): number {
  return typeof address === 'object' && address !== null ? address.port : fallback;
}
