// Turns TypeBox validation errors into ConfigProblems with readable key paths and messages.
import type { TObject, TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value';
import { redactUrlsInText } from '../net/redact-url.js';
import type { ConfigProblem } from './config-error.js';
import { unionProblems, type PointedProblem } from './union-problems.js';

/** Problems with `value` against `schema`, at most one per key path, with paths prefixed by `basePath`. */
export function schemaProblems(schema: TSchema, value: unknown, basePath = ''): ConfigProblem[] {
  const problems = new Map<string, string>();
  for (const error of Value.Errors(schema, value)) {
    for (const { pointer, message } of problemsOf(error)) {
      const path = joinPath(basePath, pointerToPath(pointer));
      if (!problems.has(path)) problems.set(path, message);
    }
  }
  return [...problems].map(([path, message]) => ({ path, message }));
}

/** A value as a message quotes it; a URL quoted back may hold a password or a token (`http://user:${PASS}@...`). */
const shown = (value: unknown): string => JSON.stringify(typeof value === 'string' ? redactUrlsInText(value) : value);

function problemsOf(error: ValueError): PointedProblem[] {
  // A union without a message of its own would say only "expected union value".
  if (error.type === ValueErrorType.Union && customMessage(error) === undefined) return unionProblems(error, shown, problemsOf);
  return [{ pointer: error.path, message: describe(error) }];
}

const customMessage = (error: ValueError): string | undefined => (error.schema as { errorMessage?: string }).errorMessage;

function describe(error: ValueError): string {
  if (error.type === ValueErrorType.ObjectAdditionalProperties) {
    // A map whose names follow a pattern (such as headers) has no list of known keys, just bad names.
    if ((error.schema as TObject).patternProperties !== undefined) return 'is not a valid name';
    const known = Object.keys((error.schema as TObject).properties ?? {});
    return `is not a known key${known.length > 0 ? ` (known: ${known.join(', ')})` : ''}`;
  }
  if (error.type === ValueErrorType.ObjectRequiredProperty) return 'is required';
  const custom = customMessage(error);
  if (custom !== undefined) return custom.replace('{value}', shown(error.value));
  return error.message.charAt(0).toLowerCase() + error.message.slice(1);
}

/** `/sources/2/every` → `sources[2].every` */
export function pointerToPath(pointer: string): string {
  let path = '';
  for (const rawPart of pointer.split('/').slice(1)) {
    const part = rawPart.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(part) ? `[${part}]` : path === '' ? part : `.${part}`;
  }
  return path;
}

export function joinPath(base: string, path: string): string {
  if (base === '') return path;
  if (path === '') return base;
  return path.startsWith('[') ? `${base}${path}` : `${base}.${path}`;
}
