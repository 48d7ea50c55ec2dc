#!/usr/bin/env node
// The `buzzwatch` command. Parses arguments and hands over to the library; the only file in src/ importing workers/.
// Heavy modules (fastify, bullmq, pg) are imported by the commands that use them, so check-config and sentiment
// start quickly.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ConfigError, formatProblems } from './config/config-error.js';
import { loadConfigFile } from './config/load-config.js';
import type { Config } from './config/schema.js';
import { settingsFromEnv, type Settings } from './runtime/settings.js';
import { scoreSentiment } from './sentiment/score-sentiment.js';
import { ROLES, type Role } from '../workers/role.js';

const USAGE = `usage: buzzwatch <command>

  start [--role all|api|poller|scorer|alerter]
                                         run roles (default all; several: --role api,scorer)
  migrate                                apply database migrations and exit
  check-config [FILE]                    validate a config file (default $BUZZWATCH_CONFIG)
  sentiment                              score one text per stdin line, print JSON lines
  preview SOURCE_ID                      poll one source once, print its items; changes nothing
  backtest --csv FILE [--sensitivity S]  run the volume_spike detector over a timestamp,value CSV (NAB format);
                                         prints timestamp,value,score,alert (alert 1 where a live alert would fire)
  backtest --brand ID --rule ID [--since 30d]
                                         replay stored mentions through a configured rule; prints its alerts

environment: BUZZWATCH_CONFIG, DATABASE_URL, REDIS_URL, PORT, HOST, LOG_LEVEL, BUZZWATCH_QUEUE_PREFIX`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return start(settingsFromEnv(), rest);
    case 'migrate':
      return migrateCommand(settingsFromEnv());
    case 'check-config':
      return checkConfig(rest[0] ?? settingsFromEnv().configFile);
    case 'sentiment':
      return sentimentCommand();
    case 'preview':
      return preview(settingsFromEnv(), rest);
    case 'backtest':
      return backtest(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function loadConfigOrReport(file: string): Config | null {
  try {
    return loadConfigFile(file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${error.file}: invalid configuration\n${formatProblems(error.problems)}`);
    return null;
  }
}

function parseRoles(args: string[]): Role[] {
  const { values } = parseArgs({ args, options: { role: { type: 'string', default: 'all' } }, strict: true });
  const names = (values.role ?? 'all').split(',').map((name) => name.trim());
  if (names.includes('all')) return [...ROLES];
  for (const name of names) {
    if (!(ROLES as readonly string[]).includes(name)) {
      throw new UsageError(`unknown role "${name}" (use all, ${ROLES.join(', ')})`);
    }
  }
  return names as Role[];
}

// As long as start-up waits for Redis: in docker-compose both may still be starting.
const DATABASE_START_TIMEOUT_MS = 30_000;

async function prepareDatabase(settings: Settings): Promise<string[]> {
  const { createDatabase, ensureDatabaseReachable } = await import('./store/database.js');
  const { migrate } = await import('./store/migrate.js');
  await ensureDatabaseReachable(settings.databaseUrl, DATABASE_START_TIMEOUT_MS);
  const database = createDatabase(settings.databaseUrl, { max: 1 });
  try {
    return (await migrate(database)).applied;
  } finally {
    await database.end();
  }
}

async function start(settings: Settings, args: string[]): Promise<number> {
  const roles = parseRoles(args);
  const config = loadConfigOrReport(settings.configFile);
  if (config === null) return 1;
  const { createLogger } = await import('./runtime/logger.js');
  const logger = createLogger(settings.logLevel);
  // Until every role runs there is no work to finish: a signal during start-up simply ends the process.
  const exitDuringStartUp = (signal: string) => {
    logger.info({ signal }, 'stopped during start-up');
    process.exit(0);
  };
  process.on('SIGTERM', exitDuringStartUp).on('SIGINT', exitDuringStartUp);

  const applied = await prepareDatabase(settings);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  const { createRuntime } = await import('./runtime/runtime.js');
  const { startRoles } = await import('../workers/start-roles.js');
  const runtime = await createRuntime(settings, config, logger);
  const running = await startRoles(runtime, roles).catch(async (error: unknown) => {
    await runtime.close();
    throw error;
  });
  logger.info({ roles, port: running.port, brands: config.brands.length, sources: config.sources.length }, 'buzzwatch started');
  process.off('SIGTERM', exitDuringStartUp).off('SIGINT', exitDuringStartUp);

  await new Promise<void>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting without waiting');
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'stopping: finishing active jobs');
      void running
        .stop()
        .then(() => runtime.close())
        .catch((error: unknown) => {
          // Redis or PostgreSQL already gone: nothing more can be handed back, and that is not worth a stack trace.
          logger.warn({ err: (error as Error).message }, 'stopped with connections that could not be closed cleanly');
        })
        .finally(resolve);
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  });
  logger.info('stopped');
  return 0;
}

async function migrateCommand(settings: Settings): Promise<number> {
  const applied = await prepareDatabase(settings);
  console.log(applied.length === 0 ? 'database is up to date' : `applied: ${applied.join(', ')}`);
  return 0;
}

function checkConfig(file: string): number {
  try {
    const config = loadConfigFile(file);
    console.log(`${file}: valid (${config.brands.length} brands, ${config.sources.length} sources)`);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.log(`${file}: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}`);
    console.log(formatProblems(error.problems));
    return 1;
  }
}

async function sentimentCommand(): Promise<number> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    const { label, score } = scoreSentiment(line);
    // Waits for a slow reader instead of piling the output up in memory.
    if (!process.stdout.write(`${JSON.stringify({ label, score })}\n`)) await once(process.stdout, 'drain');
  }
  return 0;
}

async function preview(settings: Settings, args: string[]): Promise<number> {
  const sourceId = args[0];
  if (sourceId === undefined) throw new UsageError('preview needs a SOURCE_ID');
  const config = loadConfigOrReport(settings.configFile);
  if (config === null) return 1;
  const sourceConfig = config.sources.find((source) => source.id === sourceId);
  if (sourceConfig === undefined) {
    const known = config.sources.map((source) => source.id).join(', ');
    console.error(`no source "${sourceId}" in ${settings.configFile} (known: ${known})`);
    return 1;
  }
  const { createSource } = await import('./sources/registry.js');
  const { compileBrandRules } = await import('./mentions/brand-rules.js');
  const { previewSource } = await import('./poller/preview-source.js');
  const { httpClientFor } = await import('./runtime/http-for-config.js');
  const { createLogger } = await import('./runtime/logger.js');
  const { pino } = await import('pino');
  const result = await previewSource(createSource(sourceConfig, config.brands), {
    brandRules: compileBrandRules(config.brands),
    http: httpClientFor(config),
    // Logs go to stderr: stdout carries the JSON lines.
    logger: createLogger(settings.logLevel === 'info' ? 'warn' : settings.logLevel, pino.destination(2)),
  });
  if (!result.ok) {
    console.error(result.reason);
    return 1;
  }
  for (const line of result.lines) process.stdout.write(`${JSON.stringify(line)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`buzzwatch: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    console.error(`buzzwatch: ${error instanceof Error ? error.message : String(error)}`);
    // Connections that were half-opened when the error struck must not keep a failed process alive.
    process.exit(1);
  },
);

async function backtest(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      csv: { type: 'string' },
      sensitivity: { type: 'string' },
      brand: { type: 'string' },
      rule: { type: 'string' },
      since: { type: 'string', default: '30d' },
    },
    strict: true,
  });
  if (values.csv !== undefined) return backtestCsvCommand(values.csv, values.sensitivity);
  if (values.brand === undefined || values.rule === undefined) {
    throw new UsageError('backtest needs --csv FILE, or --brand ID and --rule ID');
  }
  return backtestHistoryCommand(settingsFromEnv(), values.brand, values.rule, values.since ?? '30d');
}

async function backtestCsvCommand(file: string, sensitivityText: string | undefined): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const { backtestCsv, formatBacktestCsv } = await import('./spikes/csv-backtest.js');
  const { CsvSeriesError } = await import('./spikes/csv-series.js');
  let sensitivity: 'low' | 'medium' | 'high' | number | undefined;
  if (sensitivityText !== undefined) {
    const number = Number(sensitivityText);
    if (['low', 'medium', 'high'].includes(sensitivityText)) sensitivity = sensitivityText as 'low' | 'medium' | 'high';
    else if (sensitivityText.trim() !== '' && Number.isFinite(number) && number > 0) sensitivity = number;
    else throw new UsageError(`--sensitivity ${sensitivityText}: use low, medium, high or a positive number`);
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    console.error(`${file}: cannot read: ${(error as Error).message}`);
    return 1;
  }
  try {
    const rows = backtestCsv(text, sensitivity === undefined ? {} : { sensitivity });
    const output = formatBacktestCsv(rows);
    if (!process.stdout.write(output)) await once(process.stdout, 'drain');
    return 0;
  } catch (error) {
    if (!(error instanceof CsvSeriesError)) throw error;
    console.error(`${file}: ${error.message}`);
    return 1;
  }
}

async function backtestHistoryCommand(settings: Settings, brandId: string, ruleId: string, since: string): Promise<number> {
  const { isDuration, parseDuration } = await import('./config/duration.js');
  if (!isDuration(since)) throw new UsageError(`--since ${since}: not a duration (use 7d, 30d, 12h)`);
  const config = loadConfigOrReport(settings.configFile);
  if (config === null) return 1;
  const { createDatabase } = await import('./store/database.js');
  const { backtestHistory, formatHistoryBacktest, BacktestInputError } = await import('./alerts/history-backtest.js');
  const database = createDatabase(settings.databaseUrl, { max: 1 });
  try {
    const nowMs = Date.now();
    const result = await backtestHistory(database, config, { brandId, ruleId, sinceMs: nowMs - parseDuration(since), nowMs });
    process.stdout.write(formatHistoryBacktest(result));
    return 0;
  } catch (error) {
    if (!(error instanceof BacktestInputError)) throw error;
    console.error(error.message);
    return 1;
  } finally {
    await database.end();
  }
}
