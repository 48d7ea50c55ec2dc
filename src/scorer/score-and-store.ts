// The scorer's work on one batch: validate the payload, tag sentiment, store everything in one transaction.
import { Value } from '@sinclair/typebox/value';
import type { Mention } from '../mentions/mention.js';
import type { WordToken } from '../mentions/word-tokens.js';
import { MentionsJobSchema, type MentionsJobData } from '../queue/queues.js';
import { scoreSentiment } from '../sentiment/score-sentiment.js';
import { inTransaction, type Database } from '../store/database.js';
import { insertMentions, type InsertReport, type ScoredMention } from '../store/mention-store.js';

export interface ScoreDeps {
  database: Database;
  /** Each brand's keywords as phrases, masked before scoring (see brandKeywordPhrases). */
  brandPhrases: ReadonlyMap<string, WordToken[][]>;
}

export class InvalidJobError extends Error {
  override readonly name = 'InvalidJobError';
}

/** Throws InvalidJobError naming the first bad field when a job payload is not a mentions batch. */
export function assertMentionsJob(data: unknown): asserts data is MentionsJobData {
  const [firstError] = Value.Errors(MentionsJobSchema, data);
  if (firstError !== undefined) {
    throw new InvalidJobError(`invalid mentions job at ${firstError.path || '/'}: ${firstError.message}`);
  }
}

export function scoreMention(mention: Mention, brandPhrases: ReadonlyMap<string, WordToken[][]>): ScoredMention {
  const masked = mention.brands.flatMap((brandId) => brandPhrases.get(brandId) ?? []);
  const sentiment = scoreSentiment(`${mention.title ?? ''}\n${mention.text}`, masked);
  return { ...mention, sentiment };
}

export async function scoreAndStore(data: unknown, deps: ScoreDeps): Promise<InsertReport> {
  assertMentionsJob(data);
  const scored = data.mentions.map((mention) => scoreMention(mention, deps.brandPhrases));
  return inTransaction(deps.database, (client) => insertMentions(client, scored));
}
