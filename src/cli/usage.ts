// The usage text, built from the command registry so that a new command documents itself.
import type { CliCommand } from './command.js';

// Every variable of the README's table (src/cli/usage.test.ts keeps them equal).
const ENVIRONMENT =
  'environment: BUZZWATCH_CONFIG, DATABASE_URL, DATABASE_READ_URL, REDIS_URL, PORT, HEALTH_PORT, HOST, LOG_LEVEL,\n' +
  '             LOG_REPEAT_WINDOW, BUZZWATCH_QUEUE_PREFIX';
const SUMMARY_COLUMN = 41;

function commandLine(command: CliCommand): string {
  const invocation = `  ${command.name}${command.synopsis === '' ? '' : ` ${command.synopsis}`}`;
  // A long invocation gets its summary on the next line, aligned with the others.
  return invocation.length < SUMMARY_COLUMN - 1
    ? `${invocation.padEnd(SUMMARY_COLUMN)}${command.summary}`
    : `${invocation}\n${' '.repeat(SUMMARY_COLUMN)}${command.summary}`;
}

export function generalUsage(commands: readonly CliCommand[]): string {
  return [
    'usage: buzzwatch <command> [--help]',
    '',
    ...commands.map(commandLine),
    `  ${'help [COMMAND]'.padEnd(SUMMARY_COLUMN - 2)}this text, or one command's`,
    `  ${'--version'.padEnd(SUMMARY_COLUMN - 2)}the version`,
    '',
    ENVIRONMENT,
  ].join('\n');
}

export function commandUsage(command: CliCommand): string {
  const lines = [`usage: buzzwatch ${command.name}${command.synopsis === '' ? '' : ` ${command.synopsis}`}`, '', command.summary];
  if (command.details !== undefined) lines.push('', command.details);
  return lines.join('\n');
}
