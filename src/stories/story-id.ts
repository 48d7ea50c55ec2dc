// Story ids are derived from the brand and the mention that started the story, so a replay of the same mentions
// gives the same ids.
import { createHash } from 'node:crypto';

export const STORY_ID_PATTERN = /^[0-9a-f]{24}$/;

export function storyId(brandId: string, firstMentionId: string): string {
  return createHash('sha256').update(`story\u0000${brandId}\u0000${firstMentionId}`).digest('hex').slice(0, 24);
}
