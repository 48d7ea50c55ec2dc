// `buzzwatch rescore`'s work: relabels stored mentions that an older scorer version labelled, in batches, oldest
// first. Each batch commits with the current version, so an interrupted run resumes where it stopped and a second
// run finds nothing to do. Manual overrides stay the effective label (storeRescored keeps them).
import type { WordToken } from '../mentions/word-tokens.js';
import { mentionLanguage } from '../sentiment/mention-language.js';
import { scoreSentiment } from '../sentiment/score-sentiment.js';
import { SCORER_VERSION } from '../sentiment/scorer-version.js';
import { inTransaction, type Database } from '../store/database.js';
import { mentionsToRescore, storeRescored, type MentionToRescore, type RescoredMention } from '../store/mention-sentiment-store.js';

export interface RescoreOptions {
  since?: Date;
  brand?: string;
  batchSize: number;
  /** The version to label with; SCORER_VERSION unless a test says otherwise. */
  version?: number;
}

export interface RescoreProgress {
  /** Mentions relabelled so far, and how many of them changed their effective label. */
  rescored: number;
  changed: number;
  /** The time of the last mention of the batch just stored. */
  reachedAt: Date | null;
}

export async function rescoreMentions(
  database: Database,
  brandPhrases: ReadonlyMap<string, WordToken[][]>,
  options: RescoreOptions,
  onBatch: (progress: RescoreProgress) => void = () => {},
): Promise<RescoreProgress> {
  const version = options.version ?? SCORER_VERSION;
  const progress: RescoreProgress = { rescored: 0, changed: 0, reachedAt: null };
  let after: { occurredAt: Date; id: string } | undefined;
  for (;;) {
    const batch = await mentionsToRescore(database, { version, since: options.since, brand: options.brand, after, limit: options.batchSize });
    if (batch.length === 0) return progress;
    const rescored = batch.map((mention) => rescore(mention, brandPhrases));
    progress.changed += await inTransaction(database, (client) => storeRescored(client, rescored, version));
    progress.rescored += batch.length;
    const last = batch.at(-1) as MentionToRescore;
    after = { occurredAt: last.occurredAt, id: last.id };
    progress.reachedAt = last.occurredAt;
    onBatch({ ...progress });
  }
}

// As the scorer does it on arrival: the stored language (a declared one, or the one detected then), else detected now.
function rescore(mention: MentionToRescore, brandPhrases: ReadonlyMap<string, WordToken[][]>): RescoredMention {
  const maskedPhrases = mention.brands.flatMap((brandId) => brandPhrases.get(brandId) ?? []);
  const text = `${mention.title ?? ''}\n${mention.text}`;
  const lang = mentionLanguage(mention.lang, text);
  const { label, score } = scoreSentiment(text, { language: lang, maskedPhrases });
  return { id: mention.id, lang, label, score };
}
