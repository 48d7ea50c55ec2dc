// Benchmark: how well and how fast scoreSentiment labels human-rated texts, against plain wink-sentiment with the same
// neutral band. Reads every *.tsv (columns id, human_mean, gold, text; gold pos/neu/neg) in the data directory.
// Usage: npm run bench:sentiment [-- DIR]   (env: SENTIMENT_DATA_DIR; default ../shared/data/sentiment-dev from the
// repository root). The data is read where it lies, never copied into the repository.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import winkSentiment from 'wink-sentiment';
import { NEUTRAL_BAND, labelFor, scoreSentiment, type SentimentLabel } from '../src/sentiment/score-sentiment.js';
import { formatCount, printTable } from './bench-support.js';

type GoldLabel = 'pos' | 'neu' | 'neg';
const CLASSES: readonly GoldLabel[] = ['pos', 'neu', 'neg'];
const TO_GOLD: Record<SentimentLabel, GoldLabel> = { positive: 'pos', neutral: 'neu', negative: 'neg' };

interface RatedText {
  humanMean: number;
  gold: GoldLabel;
  text: string;
}

interface Scorer {
  name: string;
  score(text: string): number;
}

const SCORERS: readonly Scorer[] = [
  { name: 'scoreSentiment', score: (text) => scoreSentiment(text).score },
  { name: 'wink normalizedScore', score: (text) => winkSentiment(text).normalizedScore },
];

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

function dataDirectory(): string {
  const chosen = process.argv[2] ?? process.env.SENTIMENT_DATA_DIR;
  return chosen !== undefined && chosen !== '' ? resolve(chosen) : resolve(repositoryRoot, '../shared/data/sentiment-dev');
}

function readRatedTexts(file: string): { texts: RatedText[]; skipped: number } {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((line) => line !== '');
  const header = (lines[0] ?? '').split('\t');
  const column = (name: string) => header.indexOf(name);
  const [meanAt, goldAt, textAt] = [column('human_mean'), column('gold'), column('text')];
  if (meanAt < 0 || goldAt < 0 || textAt < 0) {
    throw new Error(`${file}: header must name human_mean, gold and text columns, got ${JSON.stringify(header)}`);
  }
  const texts: RatedText[] = [];
  let skipped = 0;
  for (const line of lines.slice(1)) {
    const cells = line.split('\t');
    const humanMean = Number(cells[meanAt]);
    const gold = cells[goldAt] as GoldLabel;
    // The text is the last column; a stray tab inside it must not cut it short.
    const text = cells.slice(textAt).join('\t');
    if (!Number.isFinite(humanMean) || !CLASSES.includes(gold)) {
      skipped += 1;
      continue;
    }
    texts.push({ humanMean, gold, text });
  }
  return { texts, skipped };
}

function pearson(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const meanX = xs.reduce((sum, x) => sum + x, 0) / n;
  const meanY = ys.reduce((sum, y) => sum + y, 0) / n;
  let covariance = 0;
  let varianceX = 0;
  let varianceY = 0;
  for (let index = 0; index < n; index++) {
    const dx = (xs[index] as number) - meanX;
    const dy = (ys[index] as number) - meanY;
    covariance += dx * dy;
    varianceX += dx * dx;
    varianceY += dy * dy;
  }
  return varianceX === 0 || varianceY === 0 ? Number.NaN : covariance / Math.sqrt(varianceX * varianceY);
}

function macroF1(gold: readonly GoldLabel[], predicted: readonly GoldLabel[]): number {
  const f1s = CLASSES.map((label) => {
    let truePositives = 0;
    let falsePositives = 0;
    let falseNegatives = 0;
    gold.forEach((goldLabel, index) => {
      const predictedLabel = predicted[index];
      if (predictedLabel === label && goldLabel === label) truePositives += 1;
      else if (predictedLabel === label) falsePositives += 1;
      else if (goldLabel === label) falseNegatives += 1;
    });
    const precision = truePositives + falsePositives === 0 ? 0 : truePositives / (truePositives + falsePositives);
    const recall = truePositives + falseNegatives === 0 ? 0 : truePositives / (truePositives + falseNegatives);
    return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  });
  return f1s.reduce((sum, f1) => sum + f1, 0) / CLASSES.length;
}

interface Evaluation {
  accuracy: number;
  macroF1: number;
  pearson: number;
  textsPerSecond: number;
}

// Speed is the best of a few passes: on a shared machine one pass can lose a slice to garbage collection or a neighbour.
const TIMING_PASSES = 3;

function evaluate(scorer: Scorer, texts: readonly RatedText[]): Evaluation {
  let scores: number[] = [];
  let ms = Number.POSITIVE_INFINITY;
  for (let pass = 0; pass < TIMING_PASSES; pass++) {
    const started = performance.now();
    scores = texts.map((rated) => scorer.score(rated.text));
    ms = Math.min(ms, performance.now() - started);
  }
  const predicted = scores.map((score) => TO_GOLD[labelFor(score)]);
  const gold = texts.map((rated) => rated.gold);
  const correct = predicted.filter((label, index) => label === gold[index]).length;
  return {
    accuracy: correct / texts.length,
    macroF1: macroF1(gold, predicted),
    pearson: pearson(scores, texts.map((rated) => rated.humanMean)),
    textsPerSecond: (texts.length * 1000) / ms,
  };
}

function main(): void {
  const directory = dataDirectory();
  if (!existsSync(directory)) {
    console.log(`sentiment bench skipped: no data directory at ${directory} (pass a directory or set SENTIMENT_DATA_DIR)`);
    return;
  }
  const files = readdirSync(directory).filter((name) => name.endsWith('.tsv')).sort();
  if (files.length === 0) {
    console.log(`sentiment bench skipped: no .tsv files in ${directory}`);
    return;
  }
  console.log(`sentiment: ${files.length} files in ${directory}; labels from the score with neutral band |score| <= ${NEUTRAL_BAND}`);
  console.log('accuracy and macro-F1 over pos/neu/neg against gold; r = Pearson correlation of score with human_mean;');
  console.log(`texts/s = best of ${TIMING_PASSES} single-threaded passes\n`);

  const datasets = files.map((name) => ({ name, ...readRatedTexts(join(directory, name)) }));
  // Warm-up so that the first file's speed is not the JIT's (and wink's lexicon loading).
  for (const scorer of SCORERS) for (const rated of datasets[0]?.texts.slice(0, 500) ?? []) scorer.score(rated.text);

  const rows: string[][] = [];
  const allTexts: RatedText[] = [];
  for (const dataset of datasets) {
    allTexts.push(...dataset.texts);
    if (dataset.skipped > 0) console.log(`${dataset.name}: ${dataset.skipped} malformed lines skipped`);
    for (const scorer of SCORERS) rows.push(row(dataset.name, dataset.texts, scorer));
  }
  for (const scorer of SCORERS) rows.push(row('all files', allTexts, scorer));
  printTable(['file', 'scorer', 'n', 'accuracy', 'macro-F1', 'r', 'texts/s'], rows);
}

function row(name: string, texts: readonly RatedText[], scorer: Scorer): string[] {
  const result = evaluate(scorer, texts);
  return [
    name,
    scorer.name,
    texts.length.toLocaleString('en-US'),
    `${(result.accuracy * 100).toFixed(1)}%`,
    result.macroF1.toFixed(3),
    result.pearson.toFixed(3),
    formatCount(result.textsPerSecond),
  ];
}

main();
