// The arguments of a command that takes no options, only up to `max` positional ones (check-config's FILE,
// preview's SOURCE_ID, none for stories). Anything else is a usage error (exit 2), never read as a file or source
// name: `check-config --strict` used to look for a file called "--strict" and exit 1.
import { parseArgs } from 'node:util';
import { UsageError, type CliCommand } from './command.js';

export function positionalArguments(args: string[], command: CliCommand, max: number): string[] {
  let positionals: string[];
  try {
    ({ positionals } = parseArgs({ args, options: {}, strict: true, allowPositionals: true }));
  } catch (error) {
    throw new UsageError((error as Error).message, command);
  }
  if (positionals.length > max) {
    const expected = max === 0 ? 'no arguments' : `at most ${max} argument${max === 1 ? '' : 's'}`;
    throw new UsageError(`${command.name} takes ${expected} (got ${positionals.map((text) => JSON.stringify(text)).join(' ')})`, command);
  }
  return positionals;
}
