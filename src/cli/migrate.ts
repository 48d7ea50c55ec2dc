// `buzzwatch migrate`: applies database migrations and exits.
import { settingsFromEnv } from '../runtime/settings.js';
import { UsageError, type CliCommand } from './command.js';
import { prepareDatabase } from './prepare-database.js';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  synopsis: '',
  summary: 'apply database migrations and exit',
  async run(args) {
    if (args.length > 0) throw new UsageError(`migrate takes no arguments (got ${args.join(' ')})`, migrateCommand);
    const applied = await prepareDatabase(settingsFromEnv());
    console.log(applied.length === 0 ? 'database is up to date' : `applied: ${applied.join(', ')}`);
    return 0;
  },
};
