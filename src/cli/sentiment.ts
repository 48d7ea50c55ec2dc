// `buzzwatch sentiment`: scores one text per stdin line with the scorer's own code, one JSON line per text.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { scoreSentiment } from '../sentiment/score-sentiment.js';
import type { CliCommand } from './command.js';

export const sentimentCommand: CliCommand = {
  name: 'sentiment',
  synopsis: '',
  summary: 'score one text per stdin line, print JSON lines',
  async run() {
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of lines) {
      const { label, score } = scoreSentiment(line);
      // Waits for a slow reader instead of piling the output up in memory.
      if (!process.stdout.write(`${JSON.stringify({ label, score })}\n`)) await once(process.stdout, 'drain');
    }
    return 0;
  },
};
