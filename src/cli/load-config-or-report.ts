// Loads the config for a command that needs it; an invalid file is reported on stderr with every problem's key path.
import { ConfigError, formatProblems } from '../config/config-error.js';
import { loadConfigFile } from '../config/load-config.js';
import type { Config } from '../config/schema.js';

export function loadConfigOrReport(file: string): Config | null {
  try {
    return loadConfigFile(file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${error.file}: invalid configuration\n${formatProblems(error.problems)}`);
    return null;
  }
}
