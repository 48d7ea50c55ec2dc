// `buzzwatch sentiment`: one text per stdin line in, one {"label","score"} JSON line out, scored by the scorer's code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreSentiment } from '../../src/sentiment/score-sentiment.js';
import { killAllCliProcesses, runCli, type CliExit } from '../helpers/cli-process.js';

const TEXTS = [
  'I love the new Acme rocket skates, they are wonderful and brilliant.',
  'The Acme anvil is awful, broken and dangerous. A horrible disaster.',
  'Acme Corp opens an office in Springfield on Monday.',
  '',
  'I love the brand but the support is terrible and slow',
  'Łódź: świetny produkt, great value! 😀',
  'So happy with #fail',
];

// The last line has no trailing newline and one line ends in CRLF: both are still one text each.
const MIXED_INPUT = `${TEXTS.slice(0, 2).join('\n')}\r\n${TEXTS.slice(2).join('\n')}`;

describe('buzzwatch sentiment', () => {
  let mixed: CliExit;
  let polarities: CliExit;
  let empty: CliExit;

  beforeAll(async () => {
    // Independent runs, side by side to share the cost of starting node.
    [mixed, polarities, empty] = await Promise.all([
      runCli(['sentiment'], {}, { stdin: MIXED_INPUT }),
      runCli(['sentiment'], {}, { stdin: 'I love it, wonderful!\n\nterrible, awful, I hate it\n' }),
      runCli(['sentiment'], {}, { stdin: '' }),
    ]);
  });

  afterAll(killAllCliProcesses);

  it('prints one JSON object per input line, in order, equal to the scorer’s own scoring', () => {
    expect(mixed.stderr).toBe('');
    expect(mixed.code).toBe(0);
    expect(mixed.stdout.endsWith('\n')).toBe(true);
    const lines = mixed.stdout.slice(0, -1).split('\n');
    expect(lines).toHaveLength(TEXTS.length);
    const printed = lines.map((line) => JSON.parse(line));
    const expected = TEXTS.map((text) => {
      const { label, score } = scoreSentiment(text);
      return { label, score };
    });
    expect(printed).toEqual(expected);
    // Exactly the two keys, in the documented order.
    for (const line of lines) expect(line).toMatch(/^\{"label":"(positive|neutral|negative)","score":-?\d+(\.\d+)?\}$/);
  });

  it('gives each label the sign of its score, and neutral for an empty line', () => {
    expect(polarities.code).toBe(0);
    const [positive, emptyLine, negative] = polarities.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(positive.label).toBe('positive');
    expect(positive.score).toBeGreaterThan(0);
    expect(emptyLine).toEqual({ label: 'neutral', score: 0 });
    expect(negative.label).toBe('negative');
    expect(negative.score).toBeLessThan(0);
  });

  it('prints nothing and exits 0 on empty input', () => {
    expect(empty).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });
});
