// `buzzwatch rescore`: mentions an older scorer version labelled are relabelled (language filled in, mention_brands
// kept in step), a manual correction stays the effective label, progress goes to stderr, an interrupted run resumes,
// and a second run changes nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brandKeywordPhrases } from '../../src/mentions/brand-rules.js';
import { parseConfig } from '../../src/config/load-config.js';
import { rescoreMentions } from '../../src/scorer/rescore-mentions.js';
import { SCORER_VERSION } from '../../src/sentiment/scorer-version.js';
import { inTransaction } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';
import { setSentimentOverride } from '../../src/store/mention-sentiment-store.js';
import { insertMentions, type ScoredMention } from '../../src/store/mention-store.js';
import { runCli } from '../helpers/cli-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';

const CONFIG = `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
  - { id: globex, name: Globex, keywords: [globex] }
`;
const OLD_VERSION = SCORER_VERSION - 1;
const DAY = 24 * 3600_000;

function stored(id: string, text: string, daysAgo: number, brand = 'acme', sentimentVersion = OLD_VERSION): ScoredMention {
  const at = new Date(Date.now() - daysAgo * DAY).toISOString();
  return {
    id,
    sourceId: 'hook',
    sourceType: 'webhook',
    externalId: id,
    url: `https://rescore.example/${id}`,
    title: null,
    text,
    author: null,
    lang: null,
    publishedAt: at,
    seenAt: at,
    brands: [brand],
    backfill: false,
    reach: null,
    // What the old scorer said: neutral for everything, as it did for Polish.
    sentiment: { label: 'neutral', score: 0 },
    sentimentVersion,
  };
}

// Each case runs the CLI as fresh node processes: on a loaded machine a start alone can take 20 s.
describe('buzzwatch rescore', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let directory: string;
  let configFile: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.database);
    directory = mkdtempSync(join(tmpdir(), 'buzzwatch-rescore-'));
    configFile = join(directory, 'buzzwatch.yaml');
    writeFileSync(configFile, CONFIG);
    await inTransaction(db.database, (client) =>
      insertMentions(client, [
        stored('pl-old', 'Acme jest okropny, nie polecam nikomu.', 3),
        stored('en-old', 'Acme is terrible, I hate the new app.', 2),
        stored('corrected', 'Acme support is awful and slow.', 1),
        stored('globex-old', 'Globex is wonderful, I love it.', 1, 'globex'),
        stored('old-month', 'The Acme app broke again and the service is awful.', 40),
      ]),
    );
    await inTransaction(db.database, (client) => insertMentions(client, [stored('current', 'Acme is great.', 1, 'acme', SCORER_VERSION)]));
    // Someone corrected this one by hand (to positive, against the words); rescoring must not undo it.
    await setSentimentOverride(db.database, 'corrected', { label: 'positive', by: 'community-team', at: new Date() });
  });

  afterAll(async () => {
    await db.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  const rows = async () => {
    const { rows: found } = await db.database.query<{
      id: string;
      lang: string | null;
      sentiment_label: string;
      model_sentiment_label: string;
      sentiment_version: number;
      sentiment_override: string | null;
      link_label: string;
    }>(
      `SELECT m.id, m.lang, m.sentiment_label, m.model_sentiment_label, m.sentiment_version, m.sentiment_override,
              mb.sentiment_label AS link_label
         FROM mentions m JOIN mention_brands mb ON mb.mention_id = m.id ORDER BY m.id`,
    );
    return Object.fromEntries(found.map(({ id, ...rest }) => [id, rest]));
  };

  it('relabels one brand’s mentions of the last days only, as asked, and resumes after an interruption', async () => {
    const config = parseConfig(CONFIG, {});
    let batches = 0;
    // Interrupted after its first batch of one mention (as a killed process would be)...
    await expect(
      rescoreMentions(db.database, brandKeywordPhrases(config.brands), { brand: 'acme', since: new Date(Date.now() - 30 * DAY), batchSize: 1 }, () => {
        batches += 1;
        throw new Error('interrupted');
      }),
    ).rejects.toThrow('interrupted');
    expect(batches).toBe(1);
    expect((await rows())['pl-old']).toMatchObject({ sentiment_version: SCORER_VERSION, lang: 'pl', sentiment_label: 'negative' });
    // ...then run again: it picks up the two Acme mentions left of the last 30 days, not the first one again.
    const resumed = await rescoreMentions(db.database, brandKeywordPhrases(config.brands), { brand: 'acme', since: new Date(Date.now() - 30 * DAY), batchSize: 1 });
    expect(resumed).toMatchObject({ rescored: 2, changed: 1 });
    const after = await rows();
    expect(after['globex-old']).toMatchObject({ sentiment_version: OLD_VERSION, sentiment_label: 'neutral' });
    expect(after['old-month']).toMatchObject({ sentiment_version: OLD_VERSION });
  });

  it('relabels everything left through the CLI with progress on stderr, keeping the manual correction', async () => {
    const env = { BUZZWATCH_CONFIG: configFile, DATABASE_URL: db.url };
    const run = await runCli(['rescore', '--batch', '1'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const progress = run.stderr.trimEnd().split('\n');
    expect(progress.slice(0, -1)).toEqual([
      expect.stringMatching(/^rescore: 1 mentions relabelled \(\d changed\), up to \d{4}-/),
      expect.stringMatching(/^rescore: 2 mentions relabelled \(\d changed\), up to \d{4}-/),
    ]);
    expect(progress.at(-1)).toBe(`rescore: done: 2 mentions relabelled by scorer version ${SCORER_VERSION}, 2 labels changed`);

    expect(await rows()).toEqual({
      corrected: { lang: 'en', sentiment_label: 'positive', model_sentiment_label: 'negative', sentiment_version: SCORER_VERSION, sentiment_override: 'positive', link_label: 'positive' },
      current: { lang: null, sentiment_label: 'neutral', model_sentiment_label: 'neutral', sentiment_version: SCORER_VERSION, sentiment_override: null, link_label: 'neutral' },
      'en-old': { lang: 'en', sentiment_label: 'negative', model_sentiment_label: 'negative', sentiment_version: SCORER_VERSION, sentiment_override: null, link_label: 'negative' },
      'globex-old': { lang: 'en', sentiment_label: 'positive', model_sentiment_label: 'positive', sentiment_version: SCORER_VERSION, sentiment_override: null, link_label: 'positive' },
      'old-month': { lang: 'en', sentiment_label: 'negative', model_sentiment_label: 'negative', sentiment_version: SCORER_VERSION, sentiment_override: null, link_label: 'negative' },
      'pl-old': { lang: 'pl', sentiment_label: 'negative', model_sentiment_label: 'negative', sentiment_version: SCORER_VERSION, sentiment_override: null, link_label: 'negative' },
    });
  });

  it('changes nothing on a second run', async () => {
    const before = await rows();
    const run = await runCli(['rescore'], { BUZZWATCH_CONFIG: configFile, DATABASE_URL: db.url });
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: `rescore: nothing to do: every selected mention is labelled by scorer version ${SCORER_VERSION}\n` });
    expect(await rows()).toEqual(before);
  });

  it('refuses a bad --since with a usage error and an unknown brand naming the known ones', async () => {
    const env = { BUZZWATCH_CONFIG: configFile, DATABASE_URL: db.url };
    const [badSince, badBrand] = await Promise.all([runCli(['rescore', '--since', 'lately'], env), runCli(['rescore', '--brand', 'initech'], env)]);
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toContain('--since lately: not a duration');
    expect(badBrand).toMatchObject({ code: 1, stderr: '--brand initech: not a configured brand (known: acme, globex)\n' });
  });
});
