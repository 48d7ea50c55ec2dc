// keyword: a mention in the window contains one of the rule's terms (whole words, case- and diacritic-blind, the
// same matching as brand keywords), optionally of one sentiment.
import { Type } from '@sinclair/typebox';
import { compilePhrase, containsPhrase } from '../../mentions/brand-matcher.js';
import type { RuleCounts } from '../alert-event.js';
import { countInWords, countOf, lastPeriod, spreadClause } from '../alert-wording.js';
import { distinctSitesAndAuthors, negativeShareOf, type WindowFilter, type WindowMention } from '../brand-history.js';
import { mentionTokens } from '../mention-tokens.js';
import { spreadFigures } from './rule-figures.js';
import { SentimentField, Terms } from './rule-fields.js';
import { defineRuleKind, type RuleContext } from './rule-kind.js';

/**
 * Possible matches read per evaluation: a tick's work is bounded whatever the terms (a term like "the" is in nearly
 * every mention). A window holding more is counted over its newest ones, and its message says "at least".
 */
export const KEYWORD_CANDIDATE_LIMIT = 2000;

export const keywordRule = defineRuleKind({
  title: 'Keyword alert',
  fields: {
    terms: Terms(),
    sentiment: Type.Optional(SentimentField()),
  },
  create: (config) => {
    const windowMs = config.window;
    const terms = config.terms.map((text) => ({ text, tokens: compilePhrase(text) }));
    const phrases = terms.map((term) => term.tokens.map((token) => token.word));
    const filter: WindowFilter = config.sentiment === undefined ? {} : { sentiment: config.sentiment };
    const quoted = terms.map((term) => `"${term.text}"`).join(', ');

    /**
     * The window's mentions that contain one of the terms, newest first, each with the terms it contains; `complete`
     * is false when the window held more possible matches than were read, so more may match than were found.
     */
    async function matches(context: RuleContext) {
      const { nowMs, brand } = context;
      // The history narrows the window down (the text index live) to mentions that may match; the brand matcher
      // decides, so a term matches exactly as it always did.
      const candidates = await context.history.keywordCandidates(brand.id, nowMs - windowMs, nowMs + 1, filter, phrases, KEYWORD_CANDIDATE_LIMIT + 1);
      const found = candidates
        .slice(0, KEYWORD_CANDIDATE_LIMIT)
        .map((mention) => {
          const tokens = mentionTokens(mention);
          return { mention, found: terms.filter((term) => containsPhrase(tokens, term.tokens)).map((term) => term.text) };
        })
        .filter((match) => match.found.length > 0);
      return { found, complete: candidates.length <= KEYWORD_CANDIDATE_LIMIT };
    }

    return {
      async evaluate(context) {
        const { nowMs, brand } = context;
        const { found, complete } = await matches(context);
        // Counted over the newest possible matches only: a floor, and the message says so.
        const atLeast = complete ? '' : 'at least ';
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
          .map((entry) => `"${entry.term}" (${atLeast}${countInWords(entry.count)})`);
        const noun = config.sentiment === undefined ? 'mention' : `${config.sentiment} mention`;
        return {
          findings: [
            {
              subject: '',
              holds: matched.length > 0,
              fresh: true,
              signalStartMs: matched.at(-1)?.occurredAt.getTime() ?? null,
              counts,
              summary:
                `${atLeast}${countOf(matched.length, noun)} in ${lastPeriod(windowMs)} matching ${quoted}, ${spreadClause(counts.sites, counts.authors)}` +
                (complete ? '' : ` (counted over the newest ${countInWords(KEYWORD_CANDIDATE_LIMIT)} that may match)`),
              figures: [
                { label: 'Matching mentions', value: `${atLeast}${countInWords(matched.length)}` },
                ...(perTerm.length > 0 ? [{ label: 'Terms', value: perTerm.join(', ') }] : []),
                ...spreadFigures(counts),
                { label: 'All mentions', value: countInWords(totals.total) },
              ],
              headline: `${atLeast}${countOf(matched.length, noun)} matching ${quoted}`,
            },
          ],
          state: null,
        };
      },
      async explain(context) {
        const { found } = await matches(context);
        return { mentions: found.map((match) => match.mention), order: config.sentiment === 'negative' ? 'most-negative' : 'highest-reach' };
      },
    };
  },
});
