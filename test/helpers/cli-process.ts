// Runs the real `buzzwatch` command as a child process, so end-to-end tests exercise argument parsing, environment,
// stdout/stderr and exit codes exactly as a user meets them: the run's compiled copy of the sources when the global
// setup made one (see compiled-cli.ts), otherwise the sources themselves (node --import tsx src/cli.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** One JSON log line written by the process (pino). */
export type LogLine = Record<string, unknown> & { msg?: string };

export interface CliProcess {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Every stdout line that parsed as a JSON object, in order. */
  logLines(): LogLine[];
  /** The first log line (already written or still to come) that satisfies `predicate`. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Settles when the process has exited, with everything it wrote. */
  exited: Promise<CliExit>;
  isRunning(): boolean;
}

// Children still alive; killed when a test file cleans up (or, as a last resort, when the test worker exits).
const liveChildren = new Set<ChildProcess>();

process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

/**
 * The environment a child gets: only what node needs to run plus `variables`, so that whatever buzzwatch settings
 * happen to be set around the test run never reach the process under test.
 */
export function cliEnvironment(variables: Record<string, string>): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[name];
    if (value !== undefined) environment[name] = value;
  }
  return { ...environment, ...variables };
}

/** Starts `buzzwatch ...args` with exactly `env` (see cliEnvironment) and the project root as working directory. */
export function spawnCli(args: readonly string[], env: Record<string, string>): CliProcess {
  const compiled = inject('compiledCli');
  const command = compiled === undefined ? ['--import', 'tsx', 'src/cli.ts'] : ['--enable-source-maps', compiled];
  const child = spawn(process.execPath, [...command, ...args], {
    cwd: PROJECT_ROOT,
    env: cliEnvironment(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('could not start buzzwatch');
  liveChildren.add(child);
  let stdout = '';
  let stderr = '';
  let pendingLine = '';
  const logLines: LogLine[] = [];
  const waiters = new Set<{ predicate: (line: LogLine) => boolean; resolve: (line: LogLine) => void }>();
  let running = true;

  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    const lines = (pendingLine + chunk).split('\n');
    pendingLine = lines.pop() ?? '';
    for (const text of lines) {
      const line = parseLogLine(text);
      if (line === null) continue;
      logLines.push(line);
      for (const waiter of waiters) {
        if (waiter.predicate(line)) {
          waiters.delete(waiter);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });

  const exited = new Promise<CliExit>((resolve) => {
    child.once('close', (code, signal) => {
      running = false;
      liveChildren.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });

  return {
    child,
    pid: child.pid,
    stdout: () => stdout,
    stderr: () => stderr,
    logLines: () => logLines,
    exited,
    isRunning: () => running,
    waitForLog(predicate, timeoutMs = 60_000) {
      const seen = logLines.find(predicate);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<LogLine>((resolve, reject) => {
        const describeOutput = () => `\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;
        const waiter = {
          predicate,
          resolve: (line: LogLine) => {
            clearTimeout(timer);
            resolve(line);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`buzzwatch ${args.join(' ')} wrote no matching log line within ${timeoutMs} ms${describeOutput()}`));
        }, timeoutMs);
        waiters.add(waiter);
        void exited.then(({ code, signal }) => {
          if (!waiters.delete(waiter)) return;
          clearTimeout(timer);
          reject(new Error(`buzzwatch ${args.join(' ')} exited (${code ?? signal}) before the log line came${describeOutput()}`));
        });
      });
    },
  };
}

function parseLogLine(text: string): LogLine | null {
  if (!text.startsWith('{')) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as LogLine) : null;
  } catch {
    return null;
  }
}

/** Runs `buzzwatch ...args` to completion, feeding `stdin` (then closing it); SIGKILLs it after `timeoutMs`. */
export async function runCli(
  args: readonly string[],
  env: Record<string, string>,
  options: { stdin?: string; timeoutMs?: number } = {},
): Promise<CliExit> {
  const cli = spawnCli(args, env);
  cli.child.stdin?.end(options.stdin ?? '');
  return exitWithin(cli, options.timeoutMs ?? 60_000);
}

/** Waits up to `timeoutMs` for `cli` to exit; SIGKILLs it and rejects when it does not. */
export async function exitWithin(cli: CliProcess, timeoutMs: number): Promise<CliExit> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      cli.child.kill('SIGKILL');
      reject(new Error(`buzzwatch (pid ${cli.pid}) did not exit within ${timeoutMs} ms\n${cli.stdout()}\n${cli.stderr()}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([cli.exited, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** SIGKILLs every child this helper started that is still running, and waits until each is gone. */
export async function killAllCliProcesses(): Promise<void> {
  const children = [...liveChildren];
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) {
            liveChildren.delete(child);
            resolve();
            return;
          }
          child.once('close', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
