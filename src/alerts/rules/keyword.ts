// keyword: a mention in the window contains one of the rule's terms (whole words, case- and diacritic-blind, the
// same matching as brand keywords), optionally of one sentiment.
import { Type } from '@sinclair/typebox';
import { compilePhrase, containsPhrase, toMatchDocument } from '../../mentions/brand-matcher.js';
import type { RuleCounts } from '../alert-event.js';
import { countInWords, countOf, lastPeriod, spreadClause } from '../alert-wording.js';
import { distinctSitesAndAuthors, negativeShareOf, type WindowFilter, type WindowMention } from '../brand-history.js';
import { spreadFigures } from './rule-figures.js';
import { SentimentField, Terms } from './rule-fields.js';
import { defineRuleKind, type RuleContext } from './rule-kind.js';

/** Mentions read to find keyword matches in one window. */
const KEYWORD_SCAN_LIMIT = 2000;

export const keywordRule = defineRuleKind({
  title: 'Keyword alert',
  fields: {
    terms: Terms(),
    sentiment: Type.Optional(SentimentField()),
  },
  create: (config) => {
    const windowMs = config.window;
    const terms = config.terms.map((text) => ({ text, tokens: compilePhrase(text) }));
    const filter: WindowFilter = config.sentiment === undefined ? {} : { sentiment: config.sentiment };
    const quoted = terms.map((term) => `"${term.text}"`).join(', ');

    /** The window's mentions that contain one of the terms, newest first, each with the terms it contains. */
    async function matches(context: RuleContext) {
      const { nowMs, brand } = context;
      const mentions = await context.history.windowMentions(brand.id, nowMs - windowMs, nowMs + 1, filter, KEYWORD_SCAN_LIMIT);
      return mentions
        .map((mention) => {
          const document = toMatchDocument({ title: mention.title, text: mention.content });
          return { mention, found: terms.filter((term) => containsPhrase(document.tokens, term.tokens)).map((term) => term.text) };
        })
        .filter((match) => match.found.length > 0);
    }

    return {
      async evaluate(context) {
        const { nowMs, brand } = context;
        const found = await matches(context);
        const totals = await context.history.windowTotals(brand.id, nowMs - windowMs, nowMs + 1);
        const matched: WindowMention[] = found.map((match) => match.mention);
        const counts: RuleCounts = {
          mentions: totals.total,
          negative: totals.negative,
          negativeShare: negativeShareOf(totals),
          usualNegativeShare: null,
          matching: matched.length,
          baseline: null,
          ratio: null,
          ...distinctSitesAndAuthors(matched),
        };
        const perTerm = terms
          .map((term) => ({ term: term.text, count: found.filter((match) => match.found.includes(term.text)).length }))
          .filter((entry) => entry.count > 0)
          .map((entry) => `"${entry.term}" (${countInWords(entry.count)})`);
        const noun = config.sentiment === undefined ? 'mention' : `${config.sentiment} mention`;
        return {
          findings: [
            {
              subject: '',
              holds: matched.length > 0,
              fresh: true,
              signalStartMs: matched.at(-1)?.occurredAt.getTime() ?? null,
              counts,
              summary: `${countOf(matched.length, noun)} in ${lastPeriod(windowMs)} matching ${quoted}, ${spreadClause(counts.sites, counts.authors)}`,
              figures: [
                { label: 'Matching mentions', value: countInWords(matched.length) },
                ...(perTerm.length > 0 ? [{ label: 'Terms', value: perTerm.join(', ') }] : []),
                ...spreadFigures(counts),
                { label: 'All mentions', value: countInWords(totals.total) },
              ],
              headline: `${countOf(matched.length, noun)} matching ${quoted}`,
            },
          ],
          state: null,
        };
      },
      async explain(context) {
        const found = await matches(context);
        return { mentions: found.map((match) => match.mention), order: config.sentiment === 'negative' ? 'most-negative' : 'highest-reach' };
      },
    };
  },
});
