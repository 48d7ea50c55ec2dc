// The rule scorer finds multi-word phrases word by word in a tree of the rules' phrases (phraseTree).
import { describe, expect, it } from 'vitest';
import { ENGLISH_RULES } from './english/english-rules.js';
import { POLISH_RULES } from './polish/polish-rules.js';
import { phraseTree, scoreByRules, type PhraseNode } from './rule-scorer.js';
import { tokenizeText } from './text-tokens.js';

/** Every phrase the tree holds, as the words joined with one space, with its valence. */
function phrasesOf(node: PhraseNode, words: string[] = []): Array<[string, number]> {
  const found: Array<[string, number]> = node.valence === undefined ? [] : [[words.join(' '), node.valence]];
  for (const [word, child] of node.next) found.push(...phrasesOf(child, [...words, word]));
  return found;
}

describe('phraseTree', () => {
  it.each([
    ['English', ENGLISH_RULES],
    ['Polish', POLISH_RULES],
  ])('holds exactly the %s phrases and their valences', (_, rules) => {
    const sorted = (pairs: Array<[string, number]>) => [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    expect(sorted(phrasesOf(phraseTree(rules)))).toEqual(sorted([...rules.phrases]));
    expect(rules.phrases.size).toBeGreaterThan(0);
  });
});

describe('phrases in scoreByRules', () => {
  it('scores a phrase whose first words are no phrase as one unit ("waste of money": "waste of" is none)', () => {
    expect(ENGLISH_RULES.phrases.has('waste of')).toBe(false);
    const score = scoreByRules(tokenizeText('a waste of money'), ENGLISH_RULES);
    expect({ negative: score.negative, positive: score.positive, sentimentTokens: score.sentimentTokens }).toEqual({
      negative: ENGLISH_RULES.phrases.get('waste of money'),
      positive: 0,
      sentimentTokens: 1,
    });
  });

  it('scores both a phrase and a longer one that goes on from it ("let down", "let me down"; "no", "no one answers")', () => {
    expect(scoreByRules(tokenizeText('they let me down'), ENGLISH_RULES).negative).toBe(ENGLISH_RULES.phrases.get('let me down'));
    expect(scoreByRules(tokenizeText('sadly no one answers'), ENGLISH_RULES).sentimentTokens).toBe(2);
  });

  it('does not join a phrase across a clause end ("waste, of money")', () => {
    const score = scoreByRules(tokenizeText('a waste, of money'), ENGLISH_RULES);
    expect(score.negative).not.toBe(ENGLISH_RULES.phrases.get('waste of money'));
  });
});
