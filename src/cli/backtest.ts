// `buzzwatch backtest`: the volume_spike detector over a CSV series, or a configured rule over stored history.
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { settingsFromEnv } from '../runtime/settings.js';
import { backtestMode } from './backtest-mode.js';
import { UsageError, type CliCommand } from './command.js';
import { loadConfigOrReport } from './load-config-or-report.js';

export const backtestCommand: CliCommand = {
  name: 'backtest',
  synopsis: '--csv FILE [--sensitivity S] [--cooldown D] | --brand ID --rule ID [--since 30d]',
  summary: 'replay a timestamp,value CSV through the volume_spike detector, or stored mentions through a rule',
  details: `--csv FILE [--sensitivity S] [--cooldown D]
                               prints timestamp,value,score,alert (alert 1 where a live alert would fire);
                               --cooldown: no new episode for D after one resolves (default 12h, 0: none)
--brand ID --rule ID [--since 30d]
                               replays the brand's stored mentions through a configured rule; prints its alerts`,
  run: backtest,
};

async function backtest(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      csv: { type: 'string' },
      sensitivity: { type: 'string' },
      cooldown: { type: 'string' },
      brand: { type: 'string' },
      rule: { type: 'string' },
      since: { type: 'string' },
    },
    strict: true,
  });
  const mode = backtestMode(values, backtestCommand);
  return mode.kind === 'csv'
    ? backtestCsvCommand(mode.file, mode.sensitivity, mode.cooldown)
    : backtestHistoryCommand(mode.brand, mode.rule, mode.since);
}

async function backtestCsvCommand(file: string, sensitivityText: string | undefined, cooldownText: string | undefined): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const { backtestCsv, formatBacktestCsv } = await import('../spikes/csv-backtest.js');
  const { CsvSeriesError } = await import('../spikes/csv-series.js');
  let sensitivity: 'low' | 'medium' | 'high' | number | undefined;
  if (sensitivityText !== undefined) {
    const number = Number(sensitivityText);
    if (['low', 'medium', 'high'].includes(sensitivityText)) sensitivity = sensitivityText as 'low' | 'medium' | 'high';
    else if (sensitivityText.trim() !== '' && Number.isFinite(number) && number > 0) sensitivity = number;
    else throw new UsageError(`--sensitivity ${sensitivityText}: use low, medium, high or a positive number`, backtestCommand);
  }
  let cooldownMs: number | undefined;
  if (cooldownText !== undefined) {
    const { parseDuration } = await import('../config/duration.js');
    try {
      cooldownMs = cooldownText === '0' ? 0 : parseDuration(cooldownText);
    } catch {
      throw new UsageError(`--cooldown ${cooldownText}: not a duration (use 0 for none, 30m, 12h)`, backtestCommand);
    }
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    console.error(`${file}: cannot read: ${(error as Error).message}`);
    return 1;
  }
  try {
    const rows = backtestCsv(text, { ...(sensitivity === undefined ? {} : { sensitivity }), ...(cooldownMs === undefined ? {} : { cooldownMs }) });
    const output = formatBacktestCsv(rows);
    if (!process.stdout.write(output)) await once(process.stdout, 'drain');
    return 0;
  } catch (error) {
    if (!(error instanceof CsvSeriesError)) throw error;
    console.error(`${file}: ${error.message}`);
    return 1;
  }
}

async function backtestHistoryCommand(brandId: string, ruleId: string, since: string): Promise<number> {
  const settings = settingsFromEnv();
  const { isDuration, parseDuration } = await import('../config/duration.js');
  if (!isDuration(since)) throw new UsageError(`--since ${since}: not a duration (use 7d, 30d, 12h)`, backtestCommand);
  const config = loadConfigOrReport(settings.configFile);
  if (config === null) return 1;
  const { createDatabase } = await import('../store/database.js');
  const { backtestHistory, formatHistoryBacktest, BacktestInputError } = await import('../alerts/history-backtest.js');
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
