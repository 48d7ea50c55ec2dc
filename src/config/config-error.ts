// Every problem found in a config file, each with the key path it is about.
export interface ConfigProblem {
  /** Key path such as `sources[2].every`; empty for the file as a whole. */
  path: string;
  message: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${formatProblems(problems)}`);
  }
}

export function formatProblems(problems: ConfigProblem[]): string {
  return problems.map(({ path, message }) => (path === '' ? message : `${path}: ${message}`)).join('\n');
}
