// The `buzzwatch` command line, loaded by src/cli.ts: finds the command in the registry (commands.ts) and runs it.
// Heavy modules (fastify, bullmq, pg) are imported by the commands that use them, so check-config and sentiment start
// quickly.
// Exit codes: 0 done, 1 failed (bad config, unreachable service, bad input file), 2 a usage error.
import { COMMANDS } from './commands.js';
import { UsageError, type CliCommand } from './command.js';
import { commandUsage, generalUsage } from './usage.js';
import { packageVersion } from './version.js';

const HELP_FLAGS = new Set(['--help', '-h']);

function findCommand(name: string): CliCommand | undefined {
  return (COMMANDS as readonly CliCommand[]).find((command) => command.name === name);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    console.error(generalUsage(COMMANDS));
    return 2;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    console.log(packageVersion());
    return 0;
  }
  if (name === 'help' || HELP_FLAGS.has(name)) {
    // `help --help` asks for help too: the general usage, not an unknown command "--help".
    const topicName = rest.find((argument) => !HELP_FLAGS.has(argument));
    const topic = topicName === undefined ? undefined : findCommand(topicName);
    if (topicName !== undefined && topic === undefined) throw new UsageError(`unknown command "${topicName}"`);
    console.log(topic === undefined ? generalUsage(COMMANDS) : commandUsage(topic));
    return 0;
  }
  const command = findCommand(name);
  if (command === undefined) throw new UsageError(`unknown command "${name}"`);
  if (rest.some((argument) => HELP_FLAGS.has(argument))) {
    console.log(commandUsage(command));
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    // parseArgs rejects unknown options and missing values: a usage error of this command.
    if ((error as { code?: unknown } | null)?.code?.toString().startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError((error as Error).message, command);
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      const usage = error.command === undefined ? generalUsage(COMMANDS) : commandUsage(error.command);
      console.error(`buzzwatch: ${error.message}\n\n${usage}`);
      process.exitCode = 2;
      return;
    }
    console.error(`buzzwatch: ${error instanceof Error ? error.message : String(error)}`);
    // Connections that were half-opened when the error struck must not keep a failed process alive.
    process.exit(1);
  },
);
