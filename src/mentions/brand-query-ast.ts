// The parsed form of a brand's `query:`: what brand-query-parser.ts builds and the evaluator and translator walk.
import type { WordToken } from './word-tokens.js';

/** A term or phrase as word tokens; with `prefixLast` the last token matches any word it begins (`acm*`). */
export interface TextPattern {
  tokens: WordToken[];
  prefixLast: boolean;
}

/** A term (`acme`, `#acme`, `acm*`, `node.js`) or a quoted phrase, as written (without the quotes). */
export interface TextNode {
  kind: 'text';
  position: number;
  text: string;
  quoted: boolean;
  pattern: TextPattern;
}

export interface SiteNode {
  kind: 'site';
  position: number;
  /** Lower-case ASCII (punycode) host name. */
  domain: string;
}

export interface LangNode {
  kind: 'lang';
  position: number;
  /** Lower-case language code, e.g. en, pl. */
  language: string;
}

/** `left NEAR/distance right`: both occur with at most `distance` words between them, in either order. */
export interface NearNode {
  kind: 'near';
  position: number;
  distance: number;
  left: TextNode;
  right: TextNode;
}

export interface BooleanNode {
  kind: 'and' | 'or';
  position: number;
  children: QueryNode[];
}

export interface NotNode {
  kind: 'not';
  position: number;
  child: QueryNode;
}

export type QueryNode = TextNode | SiteNode | LangNode | NearNode | BooleanNode | NotNode;

export const MIN_NEAR_DISTANCE = 1;
export const MAX_NEAR_DISTANCE = 50;
/** Letters or digits a wildcard needs before its `*`, so that `a*` cannot match half of every text. */
export const MIN_PREFIX_LENGTH = 2;
