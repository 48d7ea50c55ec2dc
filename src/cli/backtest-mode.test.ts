import { describe, expect, it } from 'vitest';
import { backtestMode, type BacktestOptions } from './backtest-mode.js';
import { UsageError, type CliCommand } from './command.js';

const command: CliCommand = { name: 'backtest', synopsis: '', summary: '', run: () => Promise.resolve(0) };

function refusal(options: BacktestOptions): string {
  try {
    backtestMode(options, command);
  } catch (error) {
    if (error instanceof UsageError && error.command === command) return error.message;
    throw error;
  }
  return 'accepted';
}

describe('backtest mode', () => {
  it('reads a CSV replay and a stored-history replay with their own options', () => {
    expect(backtestMode({ csv: 'nab.csv', cooldown: '0' }, command)).toEqual({ kind: 'csv', file: 'nab.csv', sensitivity: undefined, cooldown: '0' });
    expect(backtestMode({ brand: 'acme', rule: 'acme-volume' }, command)).toEqual({ kind: 'history', brand: 'acme', rule: 'acme-volume', since: '30d' });
    expect(backtestMode({ brand: 'acme', rule: 'acme-volume', since: '2d' }, command)).toMatchObject({ since: '2d' });
  });

  it('refuses an option of the other replay instead of ignoring it (both were ignored)', () => {
    expect(refusal({ csv: 'nab.csv', brand: 'acme' })).toBe('--csv cannot be combined with --brand (those replay stored history)');
    expect(refusal({ csv: 'nab.csv', rule: 'r', since: '2d' })).toBe('--csv cannot be combined with --rule, --since (those replay stored history)');
    expect(refusal({ brand: 'acme', rule: 'r', cooldown: '0' })).toBe('--cooldown applies to --csv only; a configured rule replays with its own settings');
    expect(refusal({ brand: 'acme', rule: 'r', sensitivity: 'high', cooldown: '0' })).toBe(
      '--sensitivity and --cooldown apply to --csv only; a configured rule replays with its own settings',
    );
  });

  it('needs --csv, or --brand with --rule', () => {
    expect(refusal({ brand: 'acme' })).toBe('backtest needs --csv FILE, or --brand ID and --rule ID');
    expect(refusal({})).toBe('backtest needs --csv FILE, or --brand ID and --rule ID');
  });
});
