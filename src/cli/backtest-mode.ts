// Which of its two replays `buzzwatch backtest` was asked for: a CSV series through the volume_spike detector, or a
// configured rule over stored history. Each has its own options; one of the other replay's (`--csv FILE --brand
// acme`, `--brand acme --rule r --cooldown 0`) is a usage error rather than silently ignored, since whoever gave it
// expected it to change the result.
import type { CliCommand } from './command.js';
import { UsageError } from './command.js';

export interface BacktestOptions {
  csv?: string;
  sensitivity?: string;
  cooldown?: string;
  brand?: string;
  rule?: string;
  since?: string;
}

export type BacktestMode =
  | { kind: 'csv'; file: string; sensitivity: string | undefined; cooldown: string | undefined }
  | { kind: 'history'; brand: string; rule: string; since: string };

const CSV_ONLY = ['sensitivity', 'cooldown'] as const;
const HISTORY_ONLY = ['brand', 'rule', 'since'] as const;

function given(options: BacktestOptions, names: readonly (keyof BacktestOptions)[]): string[] {
  return names.filter((name) => options[name] !== undefined).map((name) => `--${name}`);
}

export function backtestMode(options: BacktestOptions, command: CliCommand): BacktestMode {
  if (options.csv !== undefined) {
    const stray = given(options, HISTORY_ONLY);
    if (stray.length > 0) throw new UsageError(`--csv cannot be combined with ${stray.join(', ')} (those replay stored history)`, command);
    return { kind: 'csv', file: options.csv, sensitivity: options.sensitivity, cooldown: options.cooldown };
  }
  if (options.brand === undefined || options.rule === undefined) {
    throw new UsageError('backtest needs --csv FILE, or --brand ID and --rule ID', command);
  }
  const stray = given(options, CSV_ONLY);
  if (stray.length > 0) {
    const verb = stray.length === 1 ? 'applies' : 'apply';
    throw new UsageError(`${stray.join(' and ')} ${verb} to --csv only; a configured rule replays with its own settings`, command);
  }
  return { kind: 'history', brand: options.brand, rule: options.rule, since: options.since ?? '30d' };
}
