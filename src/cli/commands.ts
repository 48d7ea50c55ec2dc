// The registry of `buzzwatch` commands, in the order the usage text lists them.
import { backtestCommand } from './backtest.js';
import { checkConfigCommand } from './check-config.js';
import type { CliCommand } from './command.js';
import { digestCommand } from './digest.js';
import { migrateCommand } from './migrate.js';
import { previewCommand } from './preview.js';
import { reportCommand } from './report.js';
import { rescoreCommand } from './rescore.js';
import { sentimentCommand } from './sentiment.js';
import { startCommand } from './start.js';
import { storiesCommand } from './stories.js';

export const COMMANDS = [
  startCommand,
  migrateCommand,
  checkConfigCommand,
  sentimentCommand,
  storiesCommand,
  rescoreCommand,
  previewCommand,
  backtestCommand,
  reportCommand,
  digestCommand,
] as const satisfies readonly CliCommand[];
