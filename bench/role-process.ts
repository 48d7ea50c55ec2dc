// `buzzwatch start --role …` as a child process of a benchmark, as a deployment runs it: its own process, heap and
// event loop, so what a benchmark measures through it is what a client of a deployed role would see.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { owedCleanup } from './bench-support.js';

const REPO_ROOT = resolve(import.meta.dirname, '..');

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface RoleProcess {
  child: ChildProcess;
  stop(): Promise<void>;
}

export interface RoleOptions {
  /** Extra node flags (--cpu-prof …). */
  nodeFlags?: string[];
  /** Where the child's stdout and stderr go (default: the benchmark's own). */
  stdio?: StdioOptions;
  /** LOG_LEVEL of the child (default warn: a benchmark's output is its figures). */
  logLevel?: string;
  /** The checkout whose code runs (default this one): another worktree, to compare two versions in one run. */
  root?: string;
}

/** `buzzwatch start --role ROLE` as a child process; resolves once it answers /readyz on `port`. */
export async function startRole(role: string, env: Record<string, string>, port: number, options: RoleOptions = {}): Promise<RoleProcess> {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--import', 'tsx', 'src/cli.ts', 'start', '--role', role], {
    cwd: options.root ?? REPO_ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: options.logLevel ?? 'warn' },
    stdio: options.stdio ?? ['ignore', 'inherit', 'inherit'],
  });
  const exited = once(child, 'exit');
  const stop = owedCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the ${role} process exited with ${child.exitCode} during start-up`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((answer) => answer.ok, () => false);
    if (ready) return { child, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
