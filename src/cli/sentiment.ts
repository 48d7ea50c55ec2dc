// `buzzwatch sentiment`: scores one text per stdin line with the scorer's own code, one JSON line per text.
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { SCORED_LANGUAGES } from '../sentiment/language-scorers.js';
import { scoreSentiment } from '../sentiment/score-sentiment.js';
import { UsageError, type CliCommand } from './command.js';
import { inputLines } from './input-lines.js';

export const sentimentCommand: CliCommand = {
  name: 'sentiment',
  synopsis: `[--lang ${SCORED_LANGUAGES.join('|')}|auto]`,
  summary: 'score one text per stdin line, print JSON lines {"label","score","lang"}',
  details: `--lang CODE   read every line as this language (${SCORED_LANGUAGES.join(', ')}); auto (the default) detects it per line.
              A line in a language without a scorer is {"label":"unknown","score":null,"lang":"<code>"}.`,
  run: sentiment,
};

async function sentiment(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { lang: { type: 'string', default: 'auto' } }, strict: true });
  const language = values.lang ?? 'auto';
  if (language !== 'auto' && !(SCORED_LANGUAGES as string[]).includes(language)) {
    throw new UsageError(`--lang ${language}: use ${SCORED_LANGUAGES.join(', ')} or auto`, sentimentCommand);
  }
  for await (const line of inputLines(process.stdin)) {
    const { label, score, lang } = scoreSentiment(line, { language });
    // Waits for a slow reader instead of piling the output up in memory.
    if (!process.stdout.write(`${JSON.stringify({ label, score, lang })}\n`)) await once(process.stdout, 'drain');
  }
  return 0;
}
