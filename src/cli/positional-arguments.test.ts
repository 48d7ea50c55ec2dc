import { describe, expect, it } from 'vitest';
import { UsageError, type CliCommand } from './command.js';
import { positionalArguments } from './positional-arguments.js';

const command: CliCommand = { name: 'check-config', synopsis: '[FILE]', summary: 'validate', run: () => Promise.resolve(0) };

describe('positional arguments of a command without options', () => {
  it('returns up to max of them', () => {
    expect(positionalArguments([], command, 1)).toEqual([]);
    expect(positionalArguments(['bad.yaml'], command, 1)).toEqual(['bad.yaml']);
    // After "--" a name that starts with a dash is a name.
    expect(positionalArguments(['--', '--odd.yaml'], command, 1)).toEqual(['--odd.yaml']);
  });

  it('makes an unknown option or one argument too many a usage error of that command', () => {
    const usageError = (args: string[], max: number) => {
      try {
        positionalArguments(args, command, max);
      } catch (error) {
        return error instanceof UsageError ? { message: error.message, command: error.command?.name } : error;
      }
      return 'accepted';
    };
    expect(usageError(['--strict'], 1)).toEqual({ message: expect.stringContaining("Unknown option '--strict'"), command: 'check-config' });
    expect(usageError(['-x'], 1)).toEqual({ message: expect.stringContaining("Unknown option '-x'"), command: 'check-config' });
    expect(usageError(['a.yaml', 'b.yaml'], 1)).toEqual({ message: 'check-config takes at most 1 argument (got "a.yaml" "b.yaml")', command: 'check-config' });
    expect(usageError(['extra'], 0)).toEqual({ message: 'check-config takes no arguments (got "extra")', command: 'check-config' });
  });
});
