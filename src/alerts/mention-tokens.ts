// A stored mention's words as brand matching sees them (its title, then its text), the one reading that the keyword
// rule confirms a term on and that the in-memory history prefilters by, so the two never tokenise it differently.
import { toMatchDocument } from '../mentions/brand-matcher.js';
import type { WordToken } from '../mentions/word-tokens.js';
import type { WindowMention } from './brand-history.js';

export function mentionTokens(mention: Pick<WindowMention, 'title' | 'content'>): WordToken[] {
  return toMatchDocument({ title: mention.title, text: mention.content }).tokens;
}
