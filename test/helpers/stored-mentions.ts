// Scored mentions written with the store's own insertMentions, for tests that need history with chosen labels,
// times, sites and authors (the scorer stores exactly this way).
import type { SentimentLabel } from '../../src/sentiment/score-sentiment.js';
import { inTransaction, type Database } from '../../src/store/database.js';
import { insertMentions, type ScoredMention } from '../../src/store/mention-store.js';

export interface StoredMentionFields {
  key: string;
  at: string;
  brands?: string[];
  label?: SentimentLabel;
  score?: number;
  site?: string;
  sourceId?: string;
  author?: string | null;
  lang?: string | null;
  reach?: number | null;
  backfill?: boolean;
  title?: string | null;
  text?: string;
}

export function scoredMention(fields: StoredMentionFields): ScoredMention {
  const label = fields.label ?? 'neutral';
  const url = `https://${fields.site ?? 'news.example'}/${fields.key}`;
  return {
    id: `test-${fields.key}`,
    sourceId: fields.sourceId ?? 'news',
    sourceType: 'rss',
    externalId: fields.key,
    url,
    title: fields.title ?? null,
    text: fields.text ?? `Mention ${fields.key} of Acme.`,
    author: fields.author ?? null,
    lang: fields.lang === undefined ? 'en' : fields.lang,
    publishedAt: fields.at,
    // Seen long after: occurred_at is the published time.
    seenAt: '2030-01-01T00:00:00.000Z',
    brands: fields.brands ?? ['acme'],
    backfill: fields.backfill ?? false,
    reach: fields.reach ?? null,
    sentiment: { label, score: fields.score ?? (label === 'negative' ? -2 : label === 'positive' ? 2 : 0) },
  };
}

export async function storeMentions(database: Database, mentions: ScoredMention[]): Promise<void> {
  await inTransaction(database, (client) => insertMentions(client, mentions));
}
