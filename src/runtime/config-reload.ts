// Config reload without a restart (SIGHUP, POST /v1/admin/reload): the file is read and validated whole first; an
// invalid one is refused with its problems and the config in force keeps running. A valid one is put in force in
// the runtime, then each role takes it up (pollers resync their schedules, the alerter rebuilds its rules and
// notifiers, the API swaps in an app with the new keys and sources). One reload at a time.
import type { Logger } from 'pino';
import { ConfigError, type ConfigProblem } from '../config/config-error.js';
import type { Config } from '../config/schema.js';
import { restartOnlyChanges, restartWarning } from './restart-only-settings.js';
import type { Runtime } from './runtime.js';

export type ReloadOutcome =
  | {
      ok: true;
      brands: number;
      sources: number;
      rules: number;
      /**
       * Roles that could not take up every part of the new config (Redis away, say), with why; they retry by
       * themselves. Also the settings that changed but are read only at start (see restart-only-settings.ts).
       */
      warnings: string[];
    }
  | { ok: false; file: string; problems: ConfigProblem[] };

/** A running role as reload sees it. */
export interface ReloadableRole {
  name: string;
  reload?(config: Config): Promise<void>;
}

export interface ConfigReloader {
  reload(trigger: string): Promise<ReloadOutcome>;
}

export function createConfigReloader(options: {
  runtime: Pick<Runtime, 'applyConfig' | 'settings' | 'config'>;
  /** The roles running now (read at each reload: roles start after the reloader exists). */
  roles: () => readonly ReloadableRole[];
  load: () => Config;
  logger: Logger;
}): ConfigReloader {
  const { logger } = options;
  // What the pools, workers and servers were built from: a second reload must still see an unapplied change.
  const startedWith = options.runtime.config;
  let queue: Promise<unknown> = Promise.resolve();

  const reloadNow = async (trigger: string): Promise<ReloadOutcome> => {
    let config: Config;
    try {
      config = options.load();
    } catch (error) {
      const outcome = refusal(options.runtime.settings.configFile, error);
      logger.warn({ trigger, file: outcome.file, problems: outcome.problems }, 'config reload refused: the config in force keeps running');
      return outcome;
    }
    options.runtime.applyConfig(config);
    const warnings: string[] = [];
    const needsRestart = restartWarning(restartOnlyChanges(startedWith, config));
    if (needsRestart !== null) warnings.push(needsRestart);
    for (const role of options.roles()) {
      await role.reload?.(config).catch((error: unknown) => {
        warnings.push(`${role.name}: ${(error as Error).message.split('\n')[0] ?? 'failed'}`);
      });
    }
    const outcome = { ok: true as const, brands: config.brands.length, sources: config.sources.length, rules: config.alerts.rules.length, warnings };
    if (warnings.length > 0) logger.warn({ trigger, ...outcome }, 'config reloaded, but not every role took it up yet');
    else logger.info({ trigger, ...outcome }, 'config reloaded');
    return outcome;
  };

  return {
    reload(trigger) {
      const next = queue.then(() => reloadNow(trigger));
      queue = next.catch(() => undefined);
      return next;
    },
  };
}

function refusal(file: string, error: unknown): Extract<ReloadOutcome, { ok: false }> {
  if (error instanceof ConfigError) return { ok: false, file: error.file, problems: error.problems };
  return { ok: false, file, problems: [{ path: '', message: (error as Error).message }] };
}
