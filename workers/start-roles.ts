// Starts the requested roles in one process and stops them in reverse order.
import type { Runtime } from '../src/runtime/runtime.js';
import { startAlerter } from './alerter.js';
import { startHttp } from './api.js';
import { startPoller } from './poller.js';
import type { Role, RunningRole } from './role.js';
import { startScorer } from './scorer.js';

export type { Role } from './role.js';

export interface RunningProcess {
  roles: RunningRole[];
  /** The port the HTTP server listens on (useful when PORT=0). */
  port: number;
  stop(): Promise<void>;
}

export async function startRoles(runtime: Runtime, roles: readonly Role[]): Promise<RunningProcess> {
  const running: RunningRole[] = [];
  const stop = async () => {
    for (const role of running.reverse()) {
      await role.close().then(
        () => runtime.logger.info({ role: role.name }, 'role stopped'),
        (error: Error) => runtime.logger.error({ role: role.name, err: error.message }, 'stop failed'),
      );
    }
  };
  try {
    // Consumers first, so that nothing the poller queues at start waits for a scorer that is still starting.
    if (roles.includes('scorer')) running.push(await startScorer(runtime));
    if (roles.includes('alerter')) running.push(await startAlerter(runtime));
    if (roles.includes('poller')) running.push(await startPoller(runtime));
    // Every process answers /healthz; only the api role serves /v1.
    const http = await startHttp(runtime, roles.includes('api') ? 'all' : 'health');
    running.push(http);
    return { roles: running, port: http.port, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
