// Turns the leaves of a brand query into what matching needs: terms and phrases into word-token patterns (with the
// same folding as keywords), site: values into host names, lang: values into language codes.
import { domainToASCII } from 'node:url';
import { MIN_PREFIX_LENGTH, type LangNode, type SiteNode, type TextNode } from './brand-query-ast.js';
import { QuerySyntaxError } from './brand-query-error.js';
import { compilePhrase } from './brand-matcher.js';
import { wordTokens } from './word-tokens.js';

const WILDCARD = '*';
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const HOST_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const LANGUAGE_CODE = /^[a-z]{2,3}$/;

/**
 * A term or phrase. `firstCharPosition` is the column of its first character (after the opening quote of a phrase).
 * A `*` is allowed only as the very last character (of a term, or of the last word of a phrase).
 */
export function textNode(text: string, position: number, firstCharPosition: number, quoted: boolean): TextNode {
  const chars = Array.from(text.trimEnd());
  const starIndex = chars.indexOf(WILDCARD);
  if (starIndex === -1) {
    return { kind: 'text', position, text, quoted, pattern: { tokens: phraseTokens(text, position), prefixLast: false } };
  }
  const starPosition = firstCharPosition + starIndex;
  if (starIndex !== chars.length - 1) {
    throw new QuerySyntaxError('a wildcard * is only allowed at the end of a word', starPosition);
  }
  if (!LETTER_OR_DIGIT.test(chars[starIndex - 1] ?? '')) {
    throw new QuerySyntaxError('a wildcard * must follow a letter or digit', starPosition);
  }
  const tokens = wordTokens(chars.slice(0, starIndex).join(''));
  if ((tokens.at(-1)?.word.length ?? 0) < MIN_PREFIX_LENGTH) {
    throw new QuerySyntaxError(`a wildcard needs at least ${MIN_PREFIX_LENGTH} letters or digits before "*"`, starPosition);
  }
  return { kind: 'text', position, text, quoted, pattern: { tokens, prefixLast: true } };
}

function phraseTokens(text: string, position: number) {
  try {
    return compilePhrase(text);
  } catch (error) {
    throw new QuerySyntaxError((error as Error).message, position);
  }
}

/** `site:acme.example` → the host name in lower-case ASCII (an internationalised name in punycode). */
export function siteNode(value: string, position: number): SiteNode {
  const domain = domainToASCII(value.replace(/\.$/, '')).toLowerCase();
  if (domain === '' || domain.length > 253 || !HOST_NAME.test(domain)) {
    throw new QuerySyntaxError('site: needs a domain like acme.example', position);
  }
  return { kind: 'site', position, domain };
}

export function langNode(value: string, position: number): LangNode {
  const language = value.toLowerCase();
  if (!LANGUAGE_CODE.test(language)) throw new QuerySyntaxError('lang: needs a language code like en or pl', position);
  return { kind: 'lang', position, language };
}
