// Starts the requested roles in one process, reloads their config on request, and stops them in reverse order.
import { loadConfigFile } from '../src/config/load-config.js';
import type { Config } from '../src/config/schema.js';
import { createConfigReloader, type ReloadOutcome } from '../src/runtime/config-reload.js';
import { listenForReloads, type ReloadAnnouncements } from '../src/runtime/reload-announcements.js';
import type { Runtime } from '../src/runtime/runtime.js';
import { startAlerter } from './alerter.js';
import { startHttp } from './api.js';
import { startPoller } from './poller.js';
import { SHUTDOWN_GRACE_MS, type Role, type RunningRole } from './role.js';
import { startScorer } from './scorer.js';

export type { Role } from './role.js';

export interface RunningProcess {
  roles: RunningRole[];
  /** The port the HTTP server listens on (useful when PORT=0). */
  port: number;
  /** Re-reads the config file and puts it in force, or refuses it with its problems (see config-reload.ts). */
  reload(trigger: string): Promise<ReloadOutcome>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** How a reload reads the config (default: the file named by BUZZWATCH_CONFIG, with this process's environment). */
  loadConfig?: () => Config;
  /** How long `stop` waits for active jobs, all roles together (default SHUTDOWN_GRACE_MS). */
  shutdownGraceMs?: number;
}

export async function startRoles(runtime: Runtime, roles: readonly Role[], options: StartOptions = {}): Promise<RunningProcess> {
  const running: RunningRole[] = [];
  let announcements: ReloadAnnouncements | undefined;
  const stop = async () => {
    announcements?.close();
    // One grace for the whole process: a role that used part of it leaves the rest to the next.
    const deadline = Date.now() + (options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS);
    for (const role of [...running].reverse()) {
      await role.close(deadline).then(
        () => runtime.logger.info({ role: role.name }, 'role stopped'),
        (error: Error) => runtime.logger.error({ role: role.name, err: error.message }, 'stop failed'),
      );
    }
  };
  const reloader = createConfigReloader({
    runtime,
    roles: () => running,
    load: options.loadConfig ?? (() => loadConfigFile(runtime.settings.configFile)),
    logger: runtime.logger,
  });
  try {
    // Consumers first, so that nothing the poller queues at start waits for a scorer that is still starting.
    if (roles.includes('scorer')) running.push(await startScorer(runtime));
    if (roles.includes('alerter')) running.push(await startAlerter(runtime));
    if (roles.includes('poller')) running.push(await startPoller(runtime));
    // Every process answers /healthz, /readyz and /metrics; only the api role serves /v1 (and binds PORT).
    // A reload asked of the API is announced to every other process of the installation (other roles, other hosts),
    // which then re-read their own copy of the file; SIGHUP reloads only the process that receives it.
    const reloadAndAnnounce = async () => {
      const outcome = await reloader.reload('POST /v1/admin/reload');
      if (outcome.ok) {
        await announcements?.announce().catch((error: Error) => runtime.logger.warn({ err: error.message }, 'could not announce the reload'));
      }
      return outcome;
    };
    const http = await startHttp(runtime, roles, { reloadConfig: reloadAndAnnounce });
    running.push(http);
    announcements = await listenForReloads({
      redisUrl: runtime.settings.redisUrl,
      publisher: runtime.redis,
      queuePrefix: runtime.settings.queuePrefix,
      logger: runtime.logger,
      onAnnounced: () => void reloader.reload('announced by another process'),
    });
    return { roles: running, port: http.port, reload: (trigger) => reloader.reload(trigger), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
