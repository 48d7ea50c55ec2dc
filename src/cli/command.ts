// One `buzzwatch` command: its name, its usage line, and what it does. Adding a command is its file plus one line in
// commands.ts.

export interface CliCommand {
  name: string;
  /** Arguments after the name, as the usage text shows them ("[FILE]", "--brand ID --rule ID [--since 30d]"). */
  synopsis: string;
  /** What it does, in one line of the usage text. */
  summary: string;
  /** Further usage lines shown by `buzzwatch <command> --help` (options, examples). */
  details?: string;
  /** Runs with the arguments after the command name; resolves with the exit code. */
  run(args: string[]): Promise<number>;
}

/** The command line itself is wrong: the usage is printed and the process exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The command whose usage is shown with the message; the general usage when absent. */
    readonly command?: CliCommand,
  ) {
    super(message);
  }
}
