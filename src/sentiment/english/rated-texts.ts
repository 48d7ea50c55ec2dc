// Reads VADER's human-rated TSV files (columns id, human_mean, gold, text; gold pos/neu/neg) into RatedTexts.
import type { ModelClass } from '../linear-model.js';
import type { RatedText } from './english-training.js';

const GOLD: Readonly<Record<string, ModelClass>> = { pos: 'positive', neu: 'neutral', neg: 'negative' };

export function parseRatedTexts(content: string, set: string): { texts: RatedText[]; skipped: number } {
  const lines = content.split(/\r?\n/).filter((line) => line !== '');
  const header = (lines[0] ?? '').split('\t');
  const [meanAt, goldAt, textAt] = ['human_mean', 'gold', 'text'].map((name) => header.indexOf(name)) as [number, number, number];
  if (meanAt < 0 || goldAt < 0 || textAt < 0) {
    throw new Error(`${set}: header must name human_mean, gold and text columns, got ${JSON.stringify(header)}`);
  }
  const texts: RatedText[] = [];
  let skipped = 0;
  for (const line of lines.slice(1)) {
    const cells = line.split('\t');
    const humanMean = Number(cells[meanAt]);
    const label = GOLD[cells[goldAt] ?? ''];
    // The text is the last column; a stray tab inside it must not cut it short.
    const text = cells.slice(textAt).join('\t');
    if (!Number.isFinite(humanMean) || label === undefined) skipped += 1;
    else texts.push({ set, label, humanMean, text });
  }
  return { texts, skipped };
}
