// `buzzwatch digest --id ID [--period KEY] [--dry-run]`: builds one digest from the stored mentions and sends it to
// its channels now, or prints it; for trying a digest's config. Nothing is recorded: the scheduled digest still goes.
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { settingsFromEnv } from '../runtime/settings.js';
import { UsageError, type CliCommand } from './command.js';
import { loadConfigOrReport } from './load-config-or-report.js';

export const digestCommand: CliCommand = {
  name: 'digest',
  synopsis: '--id ID [--period KEY] [--dry-run]',
  summary: 'build a configured digest from the stored mentions and send it to its channels now (or print it)',
  details: `--period KEY   2026-11 (monthly) or a date such as 2026-11-03 (daily; weekly: any day of the week);
               default: the latest period whose digest is due
--dry-run      print the digest as text instead of sending it`,
  run: digest,
};

async function digest(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { id: { type: 'string' }, period: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
    strict: true,
  });
  if (values.id === undefined) throw new UsageError('digest needs --id ID (a digests[].id of the config)', digestCommand);
  const settings = settingsFromEnv();
  const config = loadConfigOrReport(settings.configFile);
  if (config === null) return 1;
  const { createDatabase } = await import('../store/database.js');
  const { digestOnDemand, sendDigestNow, DigestInputError } = await import('../analytics/digests/digest-on-demand.js');
  const database = createDatabase(settings.databaseUrl, { max: 4 });
  try {
    const built = await digestOnDemand(database, config, values.id, values.period, new Date());
    if (values['dry-run'] === true) {
      const { digestEmailText } = await import('../analytics/digests/formats/email.js');
      const text = digestEmailText(built.summary);
      if (!process.stdout.write(text)) await once(process.stdout, 'drain');
      return 0;
    }
    const { httpClientFor } = await import('../runtime/http-for-config.js');
    const results = await sendDigestNow(config, built, httpClientFor(config));
    for (const result of results) {
      if (result.error === null) console.log(`${built.summary.digest_id} ${built.summary.period.key}: sent to ${result.channelId}`);
      else console.error(`${built.summary.digest_id} ${built.summary.period.key}: not sent to ${result.channelId}: ${result.error}`);
    }
    return results.every((result) => result.error === null) ? 0 : 1;
  } catch (error) {
    if (!(error instanceof DigestInputError)) throw error;
    console.error(error.message);
    return 1;
  } finally {
    await database.end();
  }
}
