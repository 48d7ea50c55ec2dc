// `buzzwatch rescore`: relabels stored mentions with the current scorer, so that a better model improves history too.
import { parseArgs } from 'node:util';
import { settingsFromEnv } from '../runtime/settings.js';
import { UsageError, type CliCommand } from './command.js';
import { loadConfigOrReport } from './load-config-or-report.js';
import { prepareDatabase } from './prepare-database.js';

const DEFAULT_BATCH = 500;

export const rescoreCommand: CliCommand = {
  name: 'rescore',
  synopsis: '[--since 30d] [--brand ID] [--batch 500]',
  summary: 're-run the current sentiment scorer over stored mentions (manual corrections kept)',
  details: `--since DURATION   only mentions of the last DURATION (default: all)
--brand ID         only that brand's mentions
--batch N          mentions per transaction (default ${DEFAULT_BATCH})
Relabels mentions labelled by an older scorer version, oldest first; progress goes to stderr. Each batch is stored
with the current version, so an interrupted run resumes where it stopped and a second run changes nothing.`,
  run: rescore,
};

async function rescore(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { since: { type: 'string' }, brand: { type: 'string' }, batch: { type: 'string', default: String(DEFAULT_BATCH) } },
    strict: true,
  });
  const { isDuration, parseDuration } = await import('../config/duration.js');
  if (values.since !== undefined && !isDuration(values.since)) {
    throw new UsageError(`--since ${values.since}: not a duration (use 7d, 30d, 12h)`, rescoreCommand);
  }
  const batchSize = Number(values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new UsageError(`--batch ${values.batch}: use a whole number from 1 to 10000`, rescoreCommand);
  }
  const settings = settingsFromEnv();
  const config = loadConfigOrReport(settings.configFile);
  if (config === null) return 1;
  if (values.brand !== undefined && !config.brands.some((brand) => brand.id === values.brand)) {
    console.error(`--brand ${values.brand}: not a configured brand (known: ${config.brands.map((brand) => brand.id).join(', ')})`);
    return 1;
  }
  await prepareDatabase(settings);
  const { createDatabase } = await import('../store/database.js');
  const { brandKeywordPhrases } = await import('../mentions/brand-rules.js');
  const { rescoreMentions } = await import('../scorer/rescore-mentions.js');
  const { SCORER_VERSION } = await import('../sentiment/scorer-version.js');
  const database = createDatabase(settings.databaseUrl, { max: 2 });
  try {
    const since = values.since === undefined ? undefined : new Date(Date.now() - parseDuration(values.since));
    const done = await rescoreMentions(database, brandKeywordPhrases(config.brands), { since, brand: values.brand, batchSize }, (progress) => {
      console.error(`rescore: ${progress.rescored} mentions relabelled (${progress.changed} changed), up to ${progress.reachedAt?.toISOString()}`);
    });
    console.error(
      done.rescored === 0
        ? `rescore: nothing to do: every selected mention is labelled by scorer version ${SCORER_VERSION}`
        : `rescore: done: ${done.rescored} mentions relabelled by scorer version ${SCORER_VERSION}, ${done.changed} labels changed`,
    );
    return 0;
  } finally {
    await database.end();
  }
}
