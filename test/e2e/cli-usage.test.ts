// The command line's own contract: --version, help for every command, and exit code 2 for every usage error.
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { killAllCliProcesses, runCli } from '../helpers/cli-process.js';

describe('buzzwatch usage', { timeout: 120_000 }, () => {
  afterAll(killAllCliProcesses);

  it('prints the package version with --version', async () => {
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
    const result = await runCli(['--version'], {});
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  // One process after another: each starts node with tsx, and a dozen at once overload a small CI machine.
  it('answers <command> --help with that command\'s usage and exit 0, for every command', { timeout: 300_000 }, async () => {
    for (const command of COMMANDS) {
      const result = await runCli([command.name, '--help'], {}, { timeoutMs: 60_000 });
      expect(result.code, command.name).toBe(0);
      expect(result.stdout.split('\n')[0]).toBe(`usage: buzzwatch ${command.name}${command.synopsis ? ` ${command.synopsis}` : ''}`);
    }
  });

  it('lists every command in the general usage', async () => {
    const result = await runCli(['help'], {});
    expect(result.code).toBe(0);
    for (const command of COMMANDS) expect(result.stdout).toContain(`  ${command.name}`);
  });

  it('exits 2 with the usage on stderr for no command, an unknown command, an unknown option or a missing argument', async () => {
    const [none, unknown, badOption, missing] = await Promise.all([
      runCli([], {}),
      runCli(['frobnicate'], {}),
      runCli(['backtest', '--bogus'], {}),
      runCli(['preview'], {}),
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('usage: buzzwatch <command>');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('buzzwatch: unknown command "frobnicate"');
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain("Unknown option '--bogus'");
    expect(badOption.stderr).toContain('usage: buzzwatch backtest');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('preview needs a SOURCE_ID');
  });
});
