// A repeated warning is logged once, then summarised per window with its count; a quiet window forgets it.
import { describe, expect, it } from 'vitest';
import { LogRepeats, repeatKey } from './log-repeats.js';

describe('log repeats', () => {
  it('admits the first occurrence, counts the rest, and summarises each window that saw repeats', () => {
    const repeats = new LogRepeats();
    const summaries: number[] = [];
    const summarise = (count: number) => summaries.push(count);
    expect([1, 2, 3].map(() => repeats.admit('batch failed', summarise))).toEqual([true, false, false]);
    repeats.endWindow();
    expect(summaries).toEqual([2]);
    expect(repeats.admit('batch failed', summarise)).toBe(false);
    repeats.endWindow();
    expect(summaries).toEqual([2, 1]);
    // A window without a repeat: forgotten, so the next occurrence is logged in full again.
    repeats.endWindow();
    expect(summaries).toEqual([2, 1]);
    expect(repeats.admit('batch failed', summarise)).toBe(true);
  });

  it('keys on level, bindings, message and error, not on fields such as job ids', () => {
    const failed = (jobId: string, err: string) => repeatKey('{"module":"scorer"}', 40, [{ jobId, err }, 'mentions batch failed']);
    expect(failed('1', 'connect ECONNREFUSED')).toBe(failed('2', 'connect ECONNREFUSED'));
    expect(failed('1', 'connect ECONNREFUSED')).not.toBe(failed('1', 'timeout'));
    expect(repeatKey('{}', 40, ['plain message'])).not.toBe(repeatKey('{}', 50, ['plain message']));
    expect(repeatKey('{}', 50, [{ err: new Error('down') }, 'x'])).toBe(repeatKey('{}', 50, [{ err: 'down' }, 'x']));
  });
});
