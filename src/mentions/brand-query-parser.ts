// Parses a brand's `query:` into a QueryNode tree. Grammar, loosest binding first:
//   query := or ; or := and ("OR" and)* ; and := unary (["AND"] unary)* ; unary := ("NOT" | "-") unary | near
//   near := primary ["NEAR/n" primary] ; primary := "(" or ")" | term | "phrase" | site:domain | lang:code
// So NOT binds tighter than AND, AND (explicit or implicit) tighter than OR, and NEAR tighter than all of them.
// Only upper-case AND, OR, NOT and NEAR/n are operators: lower-case and/or/not are ordinary words to look for.
import {
  MAX_NEAR_DISTANCE,
  MIN_NEAR_DISTANCE,
  type BooleanNode,
  type QueryNode,
} from './brand-query-ast.js';
import { QuerySyntaxError } from './brand-query-error.js';
import { lexQuery, type Lexeme } from './brand-query-lexer.js';
import { langNode, siteNode, textNode } from './brand-query-terms.js';

const NEAR_OPERATOR = /^NEAR(?:\/(\d+))?$|^NEAR\//;
const FIELD = /^(site|lang):(.*)$/i;

const isWord = (lexeme: Lexeme | undefined, text: string) => lexeme?.kind === 'word' && lexeme.text === text;
const isNear = (lexeme: Lexeme | undefined) => lexeme?.kind === 'word' && NEAR_OPERATOR.test(lexeme.text);
const isBinaryOperator = (lexeme: Lexeme | undefined) => isWord(lexeme, 'AND') || isWord(lexeme, 'OR') || isNear(lexeme);

/** Parses and checks a query; throws QuerySyntaxError naming the position of the first mistake. */
export function parseQuery(query: string): QueryNode {
  const lexemes = lexQuery(query);
  if (lexemes.length === 0) throw new QuerySyntaxError('empty query', null);
  const root = new QueryParser(lexemes).parse();
  requirePositiveTerm(root);
  return root;
}

class QueryParser {
  private index = 0;

  constructor(private readonly lexemes: readonly Lexeme[]) {}

  parse(): QueryNode {
    const root = this.parseOr(undefined);
    const rest = this.peek();
    if (rest !== undefined) throw unexpected(rest);
    return root;
  }

  private peek(): Lexeme | undefined {
    return this.lexemes[this.index];
  }

  private next(): Lexeme | undefined {
    return this.lexemes[this.index++];
  }

  private parseOr(after: Lexeme | undefined): QueryNode {
    const children = [this.parseAnd(after)];
    while (isWord(this.peek(), 'OR')) {
      const operator = this.next() as Lexeme;
      children.push(this.parseAnd(operator));
    }
    return combine('or', children);
  }

  private parseAnd(after: Lexeme | undefined): QueryNode {
    const children = [this.parseUnary(after)];
    for (;;) {
      const lexeme = this.peek();
      if (isWord(lexeme, 'AND')) children.push(this.parseUnary(this.next()));
      else if (lexeme !== undefined && startsOperand(lexeme)) children.push(this.parseUnary(undefined)); // implicit AND
      else break;
    }
    return combine('and', children);
  }

  private parseUnary(after: Lexeme | undefined): QueryNode {
    const lexeme = this.peek();
    if (lexeme === undefined) throw expectedTermAfter(after);
    if (lexeme.kind === 'minus' || isWord(lexeme, 'NOT')) {
      this.next();
      return { kind: 'not', position: lexeme.position, child: this.parseUnary(lexeme) };
    }
    return this.parseNear(after);
  }

  private parseNear(after: Lexeme | undefined): QueryNode {
    const left = this.parsePrimary(after);
    const operator = this.peek();
    if (!isNear(operator)) return left;
    const near = operator as Lexeme;
    const distance = nearDistance(near);
    this.next();
    const rightLexeme = this.peek();
    if (rightLexeme === undefined) throw expectedTermAfter(near);
    const right = isTextLexeme(rightLexeme) ? this.parsePrimary(near) : null;
    if (left.kind !== 'text' || right === null || right.kind !== 'text') throw nearNeedsText(near);
    const chained = this.peek();
    if (isNear(chained)) throw nearNeedsText(chained as Lexeme);
    return { kind: 'near', position: near.position, distance, left, right };
  }

  private parsePrimary(after: Lexeme | undefined): QueryNode {
    const lexeme = this.next();
    if (lexeme === undefined) throw expectedTermAfter(after);
    switch (lexeme.kind) {
      case 'open': {
        const inner = this.parseOr(lexeme);
        const close = this.next();
        if (close === undefined) throw new QuerySyntaxError('unclosed "("', lexeme.position);
        if (close.kind !== 'close') throw unexpected(close);
        return inner;
      }
      case 'phrase':
        return textNode(lexeme.text, lexeme.position, lexeme.position + 1, true);
      case 'word':
        return wordNode(lexeme);
      default:
        throw unexpected(lexeme);
    }
  }
}

function wordNode(lexeme: Lexeme): QueryNode {
  if (isBinaryOperator(lexeme)) throw unexpected(lexeme);
  const field = FIELD.exec(lexeme.text);
  if (field !== null) {
    const [name, value] = [field[1] ?? '', field[2] ?? ''];
    return name.toLowerCase() === 'site' ? siteNode(value, lexeme.position) : langNode(value, lexeme.position);
  }
  return textNode(lexeme.text, lexeme.position, lexeme.position, false);
}

function combine(kind: BooleanNode['kind'], children: QueryNode[]): QueryNode {
  if (children.length === 1) return children[0] as QueryNode;
  return { kind, position: (children[0] as QueryNode).position, children };
}

function startsOperand(lexeme: Lexeme): boolean {
  return lexeme.kind !== 'close' && !isBinaryOperator(lexeme);
}

/** A lexeme that can be a NEAR operand: a phrase or a plain term (no operator, no field). */
function isTextLexeme(lexeme: Lexeme): boolean {
  if (lexeme.kind === 'phrase') return true;
  return lexeme.kind === 'word' && !isBinaryOperator(lexeme) && !isWord(lexeme, 'NOT') && !FIELD.test(lexeme.text);
}

function nearDistance(lexeme: Lexeme): number {
  const digits = /^NEAR\/(\d+)$/.exec(lexeme.text)?.[1];
  const distance = digits === undefined ? Number.NaN : Number(digits);
  if (!(distance >= MIN_NEAR_DISTANCE && distance <= MAX_NEAR_DISTANCE)) {
    throw new QuerySyntaxError(`NEAR/n needs a number from ${MIN_NEAR_DISTANCE} to ${MAX_NEAR_DISTANCE}`, lexeme.position);
  }
  return distance;
}

function unexpected(lexeme: Lexeme): QuerySyntaxError {
  return new QuerySyntaxError(`unexpected "${lexeme.text}"`, lexeme.position);
}

function expectedTermAfter(after: Lexeme | undefined): QuerySyntaxError {
  if (after === undefined) return new QuerySyntaxError('empty query', null);
  return new QuerySyntaxError(`expected a term after "${after.text}"`, after.position);
}

function nearNeedsText(near: Lexeme): QuerySyntaxError {
  return new QuerySyntaxError(`${near.text} needs a term or phrase on each side`, near.position);
}

// A query that could match without any term occurring (NOT acme, lang:en, acme OR -globex) would match most of the
// web. "Anchored" means every way of matching requires some term, phrase or NEAR to occur.
function requirePositiveTerm(root: QueryNode): void {
  const blame = unanchoredAt(root);
  if (blame === null) return;
  if (blame.orAlternative) {
    const reason = 'an OR alternative needs at least one positive term: missing in the one starting';
    throw new QuerySyntaxError(reason, blame.position);
  }
  throw new QuerySyntaxError('a query needs at least one positive term', null);
}

interface Unanchored {
  position: number;
  orAlternative: boolean;
}

function unanchoredAt(node: QueryNode): Unanchored | null {
  switch (node.kind) {
    case 'text':
    case 'near':
      return null;
    case 'site':
    case 'lang':
    case 'not':
      return { position: node.position, orAlternative: false };
    case 'and': {
      const blames = node.children.map(unanchoredAt);
      return blames.some((blame) => blame === null) ? null : (blames.find((blame) => blame?.orAlternative) ?? blames[0] ?? null);
    }
    case 'or': {
      for (const child of node.children) {
        const blame = unanchoredAt(child);
        if (blame !== null) return blame.orAlternative ? blame : { position: child.position, orAlternative: true };
      }
      return null;
    }
  }
}
