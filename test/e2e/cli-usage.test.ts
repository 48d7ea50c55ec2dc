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

  // One process after another: each is a whole node process loading the command, and a dozen at once overload a small
  // CI machine.
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

  it('answers help --help and --help COMMAND with exit 0, like every other command\'s --help', async () => {
    const [helpHelp, flagFirst] = await Promise.all([runCli(['help', '--help'], {}), runCli(['--help', 'stories'], {})]);
    expect(helpHelp.code).toBe(0);
    expect(helpHelp.stdout).toContain('usage: buzzwatch <command>');
    expect(flagFirst.code).toBe(0);
    expect(flagFirst.stdout.split('\n')[0]).toBe('usage: buzzwatch stories');
  });

  // One process after another, as above. stories used to ignore options and arguments (exit 0), check-config and
  // preview to read an option as a file or source name (exit 1).
  it('exits 2 with that command\'s usage for an unknown option, for every command, and for an argument too many', { timeout: 300_000 }, async () => {
    for (const command of COMMANDS) {
      const result = await runCli([command.name, '--no-such-option'], {}, { timeoutMs: 60_000 });
      expect(result.code, command.name).toBe(2);
      expect(result.stderr, command.name).toContain(`usage: buzzwatch ${command.name}`);
    }
    for (const args of [['check-config', 'a.yaml', 'b.yaml'], ['preview', 'hn', 'extra'], ['stories', 'extra']]) {
      const result = await runCli(args, {}, { timeoutMs: 60_000 });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toContain(`buzzwatch: ${args[0]} takes`);
    }
    // backtest's two replays: an option of the other one was silently ignored (the CSV replay ran, exit 0).
    const mixed = await runCli(['backtest', '--csv', 'series.csv', '--brand', 'acme'], {}, { timeoutMs: 60_000 });
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('buzzwatch: --csv cannot be combined with --brand');
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
