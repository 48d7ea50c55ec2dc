// Request values PostgreSQL cannot take: a NUL character (no text column or parameter can hold one), text that is
// not valid Unicode (an unpaired UTF-16 surrogate would be stored as U+FFFD, silently changed) and numbers that are
// not finite (JSON's 1e400, a query's limit=Infinity that the schema coercion lets through). Checked once for every
// route, so no route has to remember it and no such value reaches a query as a 500.

const NUL = '\u0000';
// With the u flag a surrogate pair is one code point, so this matches only an unpaired surrogate.
const UNPAIRED_SURROGATE = /\p{Cs}/u;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** How a key is written in a path: `.name` when it reads as one, `["odd key"]` otherwise. */
function pathOf(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return IDENTIFIER.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

function textProblem(text: string): string | null {
  if (text.includes(NUL)) return 'contains a NUL character (\\u0000), which cannot be stored or searched';
  if (UNPAIRED_SURROGATE.test(text)) return 'is not valid Unicode (it has an unpaired surrogate)';
  return null;
}

/**
 * The first value under `root` that cannot reach PostgreSQL, as "<path> <why>" (the path as Fastify names
 * request parts: querystring.source, params.id, body.comment), or null when all can. Walks iteratively: a deeply
 * nested JSON body cannot overflow the stack.
 */
export function findUnstorableValue(root: unknown, rootPath: string): string | null {
  const pending: Array<[unknown, string]> = [[root, rootPath]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, path] = next;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem !== null) return `${path} ${problem}`;
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return `${path} must be a finite number`;
    } else if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--) pending.push([value[index], pathOf(path, index)]);
    } else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
      const entries = Object.entries(value);
      for (let index = entries.length - 1; index >= 0; index--) {
        const [key, entry] = entries[index] as [string, unknown];
        const keyProblem = textProblem(key);
        if (keyProblem !== null) return `${path} has a name that ${keyProblem}`;
        pending.push([entry, pathOf(path, key)]);
      }
    }
  }
  return null;
}

/** The first unstorable value among a request's parts (a raw Buffer body is its route's business), or null. */
export function findUnstorableInput(request: { params: unknown; query: unknown; body: unknown }): string | null {
  return (
    findUnstorableValue(request.params, 'params') ??
    findUnstorableValue(request.query, 'querystring') ??
    findUnstorableValue(request.body, 'body')
  );
}
