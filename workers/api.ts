// The API role (or, for poller and scorer processes, just the health endpoints) listening on HOST:PORT.
import { buildApp } from '../src/api/app.js';
import { moduleLogger } from '../src/runtime/logger.js';
import { apiDepsOf, type Runtime } from '../src/runtime/runtime.js';
import type { RunningRole } from './role.js';

export async function startHttp(runtime: Runtime, routes: 'all' | 'health'): Promise<RunningRole & { port: number }> {
  const app = await buildApp(apiDepsOf(runtime), { logger: moduleLogger(runtime.logger, 'api'), routes });
  await app.listen({ port: runtime.settings.port, host: runtime.settings.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : runtime.settings.port;
  return { name: routes === 'all' ? 'api' : 'health', port, close: () => app.close() };
}
