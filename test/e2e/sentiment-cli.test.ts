// `buzzwatch sentiment`: one text per stdin line in, one {"label","score","lang"} JSON line out, scored by the
// scorer's code; --lang fixes the language, auto (the default) detects it per line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreSentiment } from '../../src/sentiment/score-sentiment.js';
import { killAllCliProcesses, runCli, type CliExit } from '../helpers/cli-process.js';

const TEXTS = [
  'I love the new Acme rocket skates, they are wonderful and brilliant.',
  'The Acme anvil is awful, broken and dangerous. A horrible disaster.',
  'Acme Corp opens an office in Springfield on Monday.',
  '',
  'I love the brand but the support is terrible and slow',
  'ズォーブリーは最悪です。二度と買いません。',
  'So happy with #fail',
];

// The last line has no trailing newline and one line ends in CRLF: both are still one text each. The input starts
// with a UTF-8 byte-order mark (as Windows tools write), which is not part of the first text.
const MIXED_INPUT = `\uFEFF${TEXTS.slice(0, 2).join('\n')}\r\n${TEXTS.slice(2).join('\n')}`;

describe('buzzwatch sentiment', () => {
  let mixed: CliExit;
  let forcedEnglish: CliExit;
  let empty: CliExit;
  let badLanguage: CliExit;

  // Node processes of the CLI start here: on a loaded machine a start alone can take 20 s.
  beforeAll(async () => {
    // Independent runs, side by side to share the cost of starting node.
    [mixed, forcedEnglish, empty, badLanguage] = await Promise.all([
      runCli(['sentiment'], {}, { stdin: MIXED_INPUT }),
      runCli(['sentiment', '--lang', 'en'], {}, { stdin: 'I love it, wonderful!\n\nterrible, awful, I hate it\n' }),
      runCli(['sentiment'], {}, { stdin: '' }),
      runCli(['sentiment', '--lang', 'xx'], {}, { stdin: 'text\n' }),
    ]);
  }, 120_000);

  afterAll(killAllCliProcesses);

  it('prints one JSON object per input line, in order, equal to the scorer’s own scoring with detection per line', () => {
    expect(mixed.stderr).toBe('');
    expect(mixed.code).toBe(0);
    expect(mixed.stdout.endsWith('\n')).toBe(true);
    const lines = mixed.stdout.slice(0, -1).split('\n');
    expect(lines).toHaveLength(TEXTS.length);
    expect(lines.map((line) => JSON.parse(line))).toEqual(TEXTS.map((text) => scoreSentiment(text, { language: 'auto' })));
    // Exactly the three keys, in the documented order.
    for (const line of lines) {
      expect(line).toMatch(/^\{"label":"(positive|neutral|negative|unknown)","score":(-?\d+(\.\d+)?(e-?\d+)?|null),"lang":("[a-z]{2}"|null)\}$/);
    }
    expect(JSON.parse(lines[0] as string)).toMatchObject({ label: 'positive', lang: 'en' });
    expect(JSON.parse(lines[5] as string)).toEqual({ label: 'unknown', score: null, lang: 'ja' });
  });

  it('reads every line as the language --lang names, neutral for an empty line', () => {
    expect(forcedEnglish.code).toBe(0);
    const [positive, emptyLine, negative] = forcedEnglish.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(positive).toMatchObject({ label: 'positive', lang: 'en' });
    expect(positive.score).toBeGreaterThan(0);
    expect(emptyLine).toMatchObject({ label: 'neutral', lang: 'en' });
    expect(negative).toMatchObject({ label: 'negative', lang: 'en' });
    expect(negative.score).toBeLessThan(0);
  });

  it('prints nothing and exits 0 on empty input', () => {
    expect(empty).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('refuses a language it has no scorer for with a usage error (exit 2)', () => {
    expect(badLanguage.code).toBe(2);
    expect(badLanguage.stdout).toBe('');
    expect(badLanguage.stderr).toContain('--lang xx: use en');
  });
});
