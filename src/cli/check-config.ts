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
      console.log(`${file}: valid (${config.brands.length} brands, ${config.sources.length} sources)`);
      return 0;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      console.log(`${file}: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}`);
      console.log(formatProblems(error.problems));
      return 1;
    }
  },
};
