// `buzzwatch start`: runs roles until SIGTERM or SIGINT. The only file in src/ that imports workers/.
import { parseArgs } from 'node:util';
import { settingsFromEnv } from '../runtime/settings.js';
import { ROLES, type Role } from '../../workers/role.js';
import { UsageError, type CliCommand } from './command.js';
import { loadConfigOrReport } from './load-config-or-report.js';
import { prepareDatabase } from './prepare-database.js';
import { handleReloadSignals } from './reload-signal.js';

export const startCommand: CliCommand = {
  name: 'start',
  synopsis: '[--role all|api|poller|scorer|alerter]',
  summary: 'run roles (default all; several: --role api,scorer)',
  details: `Runs until SIGTERM or SIGINT, then finishes the jobs it holds (a second signal exits at once).
SIGHUP re-reads the config file and puts it in force without a restart (an invalid file is refused and logged).
Exits 1 when the config is invalid or PostgreSQL or Redis does not answer within 30 s.`,
  run: start,
};

/** The roles `--role` names: a comma-separated list, and `--role` may be given more than once (all are run). */
export function parseRoles(args: string[]): Role[] {
  const { values } = parseArgs({ args, options: { role: { type: 'string', multiple: true, default: ['all'] } }, strict: true });
  const names = [...new Set(values.role.flatMap((list) => list.split(',')).map((name) => name.trim()))];
  if (names.includes('all')) return [...ROLES];
  for (const name of names) {
    if (!(ROLES as readonly string[]).includes(name)) {
      throw new UsageError(`unknown role "${name}" (use all, ${ROLES.join(', ')})`, startCommand);
    }
  }
  return names as Role[];
}

async function start(args: string[]): Promise<number> {
  const settings = settingsFromEnv();
  const roles = parseRoles(args);
  const config = loadConfigOrReport(settings.configFile);
  if (config === null) return 1;
  const { createLogger, routeConsoleToLogger } = await import('../runtime/logger.js');
  const logger = createLogger(settings.logLevel, undefined, { repeatWindowMs: settings.logRepeatWindowMs });
  routeConsoleToLogger(logger);
  // One handler per signal for the whole life of the process. Swapping handlers when start-up ends would lose a
  // signal that arrives in between: Node drops what was caught for a listener removed before it ran.
  let running: Awaited<ReturnType<typeof startRoles>> | null = null;
  let reloadWhenStarted = false;
  let stopping = false;
  let stopped: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    stopped = resolve;
  });
  const onStopSignal = (signal: string) => {
    if (running === null) {
      // Until every role runs there is no work to finish: a signal during start-up simply ends the process.
      logger.info({ signal }, 'stopped during start-up');
      process.exit(0);
    }
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping: finishing active jobs');
    void running
      .stop()
      .then(() => closeWithin(runtime.close(), RUNTIME_CLOSE_MS))
      .catch((error: unknown) => {
        // Redis or PostgreSQL already gone: nothing more can be handed back, and that is not worth a stack trace.
        logger.warn({ err: (error as Error).message }, 'stopped with connections that could not be closed cleanly');
      })
      .finally(stopped);
  };
  const onReloadSignal = () => {
    if (running === null) {
      // The file may have changed after it was read: read it again once every role runs.
      reloadWhenStarted = true;
      logger.info('SIGHUP during start-up: the config file will be read again once every role runs');
      return;
    }
    void running.reload('SIGHUP');
  };
  process.on('SIGTERM', () => onStopSignal('SIGTERM'));
  process.on('SIGINT', () => onStopSignal('SIGINT'));
  // The entry point listens for SIGHUP before loading anything (a SIGHUP while the config was read is kept and
  // handed over here); this takes the signals over without a second listener.
  handleReloadSignals(onReloadSignal);

  const applied = await prepareDatabase(settings);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  const { createRuntime } = await import('../runtime/runtime.js');
  const { startRoles } = await import('../../workers/start-roles.js');
  const runtime = await createRuntime(settings, config, logger);
  running = await startRoles(runtime, roles).catch(async (error: unknown) => {
    await runtime.close();
    throw error;
  });
  logger.info({ roles, port: running.port, brands: config.brands.length, sources: config.sources.length }, 'buzzwatch started');
  if (reloadWhenStarted) void running.reload('SIGHUP');
  await finished;
  logger.info('stopped');
  // A job the grace gave up on (still storing, its worker still closing in the background, its database connection
  // still in use) would keep the event loop alive for as long as it runs: the process ends here, as the grace
  // promises; the job's lock expires and another worker takes it over. The logger writes synchronously.
  process.exit(0);
}

/** How long closing the connections may take once the roles have stopped (a connection still in use never ends). */
const RUNTIME_CLOSE_MS = 5_000;

async function closeWithin(closing: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`not closed within ${timeoutMs / 1000} s (a job the grace gave up on still holds one)`)), timeoutMs);
  });
  try {
    await Promise.race([closing, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
