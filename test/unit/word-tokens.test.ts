// Word tokens: # and @ mark tags and handles only at a word start; a dot between words separates them.
import { describe, expect, it } from 'vitest';
import { wordTokens, type WordToken } from '../../src/mentions/word-tokens.js';

/** Tokens written compactly: "#acme" for a tag, "@acme" for a handle, "acme" for a plain word. */
const spelled = (tokens: WordToken[]) => tokens.map((token) => `${token.marker}${token.word}`);

describe('wordTokens markers', () => {
  it.each([
    ['press@acmecorp.com', ['press', 'acmecorp', 'com']],
    ['x @y', ['x', '@y']],
    ['a#b', ['a', 'b']],
    ['#acme!', ['#acme']],
    ['(@acme)', ['@acme']],
    ['thanks,@acme', ['thanks', '@acme']],
    ['see acme.#launch', ['see', 'acme', 'launch']],
    ['3#4', ['3', '4']],
    ['under_#score', ['under_', 'score']],
    ['#Acme @Globex', ['#acme', '@globex']],
  ])('reads %j as %j', (text, expected) => {
    expect(spelled(wordTokens(text))).toEqual(expected);
  });
});

describe('wordTokens after a dot', () => {
  it.each([
    ['release.Acme', ['release', 'acme']],
    ['node.js', ['node', 'js']],
    ['www.acme.com', ['www', 'acme', 'com']],
    ['v1.2.3', ['v1', '2', '3']],
  ])('splits %j into %j', (text, expected) => {
    expect(spelled(wordTokens(text))).toEqual(expected);
  });
});
