// `buzzwatch check-config [FILE]`: validates a config file, printing every problem with its key path.
import { ConfigError, formatProblems } from '../config/config-error.js';
import { loadConfigFile } from '../config/load-config.js';
import { settingsFromEnv } from '../runtime/settings.js';
import type { CliCommand } from './command.js';
import { positionalArguments } from './positional-arguments.js';

export const checkConfigCommand: CliCommand = {
  name: 'check-config',
  synopsis: '[FILE]',
  summary: 'validate a config file (default $BUZZWATCH_CONFIG)',
  async run(args) {
    const file = positionalArguments(args, checkConfigCommand, 1)[0] ?? settingsFromEnv().configFile;
    try {
      const config = loadConfigFile(file);
      console.log(`${file}: valid (${countOf(config.brands.length, 'brand')}, ${countOf(config.sources.length, 'source')})`);
      return 0;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      console.log(`${file}: ${countOf(error.problems.length, 'problem')}`);
      console.log(formatProblems(error.problems));
      return 1;
    }
  },
};

/** "1 brand", "2 sources", "0 sources". */
function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
