// Constructed months for report tests: steady mentions July to October, then a real drop in November, with a
// competitor, several sites and authors, and negative mentions worth reading.
import type { ScoredMention } from '../../src/store/mention-store.js';
import { scoredMention } from './stored-mentions.js';

/** Mentions of acme per month (Warsaw time), and of its competitor globex. */
export const ACME_PER_MONTH: Record<string, number> = { '2026-07': 100, '2026-08': 98, '2026-09': 102, '2026-10': 100, '2026-11': 40 };
export const GLOBEX_PER_MONTH = 50;

export function reportMonthsMentions(): ScoredMention[] {
  const mentions: ScoredMention[] = [];
  for (const [month, count] of Object.entries(ACME_PER_MONTH)) {
    const [year, monthNumber] = month.split('-').map(Number) as [number, number];
    for (let index = 0; index < count; index += 1) {
      // Spread over days 1–28 at 10:00 UTC (always inside the Warsaw month); one in five negative.
      const at = new Date(Date.UTC(year, monthNumber - 1, 1 + (index % 28), 10, index % 60)).toISOString();
      const negative = index % 5 === 0;
      mentions.push(
        scoredMention({
          key: `acme-${month}-${index}`,
          at,
          label: negative ? 'negative' : index % 5 === 1 ? 'positive' : 'neutral',
          score: negative ? -1 - (index % 7) / 2 : undefined,
          site: `site${index % 6}.example`,
          author: `author ${index % 9}`,
          reach: 100 + index,
          title: negative ? `Acme delivery delays anger customers ${index}` : `Acme customer support update ${index}`,
          text: negative ? 'Customers say the Acme delivery delays are terrible.' : 'The Acme customer support team answered questions.',
        }),
      );
    }
    for (let index = 0; index < GLOBEX_PER_MONTH; index += 1) {
      const at = new Date(Date.UTC(year, monthNumber - 1, 1 + (index % 28), 12)).toISOString();
      mentions.push(scoredMention({ key: `globex-${month}-${index}`, at, brands: ['globex'], site: 'globex.example' }));
    }
  }
  return mentions;
}
