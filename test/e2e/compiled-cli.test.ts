// The suite's own plumbing: the end-to-end tests start the run's compiled copy of the command (plain node, no tsx
// loader per child), and that copy is the checkout's code: its version, its migrations, its usage.
import { existsSync } from 'node:fs';
import { afterAll, expect, inject, it } from 'vitest';
import { killAllCliProcesses, runCli, spawnCli } from '../helpers/cli-process.js';

afterAll(killAllCliProcesses);

it('starts node on the compiled src/cli.ts of this run, which answers as the sources do', async () => {
  const compiled = inject('compiledCli');
  expect(compiled).toMatch(/\/node_modules\/\.cache\/buzzwatch-test-cli_[^/]+\/src\/cli\.js$/);
  expect(existsSync(compiled.replace(/src\/cli\.js$/, 'src/store/migrations/001_core.sql'))).toBe(true);
  const cli = spawnCli(['--version'], {});
  expect(cli.child.spawnargs.slice(1)).toEqual(['--enable-source-maps', compiled, '--version']);
  const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
  const { code, stdout } = await cli.exited;
  expect(code).toBe(0);
  expect(stdout.trim()).toBe(version);
  const usage = await runCli(['check-config', '--help'], {});
  expect(usage.code).toBe(0);
  expect(usage.stdout.split('\n')[0]).toBe('usage: buzzwatch check-config [FILE]');
});
