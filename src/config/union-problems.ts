// What to say about a value that matches no branch of a TypeBox union, when the union gives no `errorMessage` of its
// own. TypeBox says only "Expected union value", which names neither what is allowed nor, for a union of shapes,
// which field of the shape meant is wrong. Every union in today's config schema carries its own errorMessage; this is
// what a union added without one reads like, instead of that generic line.
import type { TSchema } from '@sinclair/typebox';
import type { ValueError } from '@sinclair/typebox/value';

/** A problem at a JSON pointer (`/alerts/rules/1/type`), before it becomes a key path. */
export interface PointedProblem {
  pointer: string;
  message: string;
}

type Shown = (value: unknown) => string;

interface ObjectBranch extends TSchema {
  properties: Record<string, TSchema>;
}

const isLiteral = (schema: TSchema | undefined): boolean => schema !== undefined && 'const' in schema;
const literalOf = (schema: TSchema | undefined): unknown => (schema as { const?: unknown } | undefined)?.const;

const isObjectBranch = (schema: TSchema): schema is ObjectBranch =>
  schema.type === 'object' && typeof (schema as Partial<ObjectBranch>).properties === 'object';

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The key every branch is an object with a literal for, each a different one (`type: slack`, `type: email`): the key
 * that says which branch a value was meant for. Null when the branches are not told apart that way.
 */
function discriminatorOf(branches: readonly TSchema[]): string | null {
  if (branches.length < 2 || !branches.every(isObjectBranch)) return null;
  const shapes = branches as ObjectBranch[];
  for (const [key, schema] of Object.entries(shapes[0]?.properties ?? {})) {
    if (!isLiteral(schema)) continue;
    const literals = shapes.map((shape) => shape.properties[key]);
    if (literals.every(isLiteral) && new Set(literals.map(literalOf)).size === shapes.length) return key;
  }
  return null;
}

/** One branch in words: `volume_spike`, `a number from 1 to 30`, `a list`. */
function branchInWords(schema: TSchema): string {
  if (isLiteral(schema)) {
    const value = literalOf(schema);
    return typeof value === 'string' ? value : JSON.stringify(value);
  }
  switch (schema.type) {
    case 'number':
    case 'integer': {
      const noun = schema.type === 'integer' ? 'a whole number' : 'a number';
      const { minimum, maximum } = schema as { minimum?: number; maximum?: number };
      if (minimum !== undefined && maximum !== undefined) return `${noun} from ${minimum} to ${maximum}`;
      if (minimum !== undefined) return `${noun} of at least ${minimum}`;
      if (maximum !== undefined) return `${noun} of at most ${maximum}`;
      return noun;
    }
    case 'string':
      return 'a text';
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping';
    default:
      return 'another value';
  }
}

/** `a, b or c`. */
function alternatives(words: readonly string[]): string {
  return words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/**
 * The problems to report for a union error without an errorMessage. A union of shapes told apart by a key reports the
 * problems of the shape the value names by it (through `inner`, which describes those errors), or that the key names
 * none of them; any other union says what its branches allow.
 */
export function unionProblems(error: ValueError, shown: Shown, inner: (error: ValueError) => PointedProblem[]): PointedProblem[] {
  const branches = (error.schema as { anyOf?: TSchema[] }).anyOf ?? [];
  const key = discriminatorOf(branches);
  if (key !== null && isRecord(error.value)) {
    const given = error.value[key];
    const named = branches.findIndex((branch) => literalOf((branch as ObjectBranch).properties[key]) === given);
    if (named >= 0) return [...(error.errors[named] ?? [])].flatMap(inner);
    const kinds = branches.map((branch) => branchInWords((branch as ObjectBranch).properties[key] as TSchema));
    const message = given === undefined ? `is required (use ${alternatives(kinds)})` : `${shown(given)} is not one of ${kinds.join(', ')}`;
    return [{ pointer: `${error.path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, message }];
  }
  const words = branches.map(branchInWords);
  const allLiterals = branches.length > 0 && branches.every(isLiteral);
  return [{ pointer: error.path, message: `${shown(error.value)} is not ${allLiterals ? `one of ${words.join(', ')}` : alternatives(words)}` }];
}
