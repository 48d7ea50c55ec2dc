// Replaces ${VAR} and ${VAR:-default} in every string of a parsed YAML document with values from the environment.
export interface InterpolationProblem {
  path: string;
  message: string;
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function interpolateEnv(
  document: unknown,
  env: Record<string, string | undefined>,
  problems: InterpolationProblem[],
  path = '',
): unknown {
  if (typeof document === 'string') return interpolateString(document, env, problems, path);
  if (Array.isArray(document)) {
    return document.map((item, index) => interpolateEnv(item, env, problems, `${path}[${index}]`));
  }
  if (document !== null && typeof document === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(document)) {
      result[key] = interpolateEnv(value, env, problems, path === '' ? key : `${path}.${key}`);
    }
    return result;
  }
  return document;
}

function interpolateString(
  text: string,
  env: Record<string, string | undefined>,
  problems: InterpolationProblem[],
  path: string,
): string {
  return text.replace(REFERENCE, (_whole, name: string, fallback: string | undefined) => {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    problems.push({ path, message: `environment variable ${name} is not set (and \${${name}} has no :-default)` });
    return '';
  });
}
