// Benchmark: how well and how fast buzzwatch labels human-rated texts, in English and Polish. Every figure is on text
// the shipped models did not learn from: the English *.test.tsv files, and k-fold cross-validation (models retrained
// on the other folds with the shipped training code) over the *.dev.tsv files and PolEmo. VADER (the JavaScript
// port) is the reference: its own compound score with its ±0.05 neutral band.
// Usage: npm run bench:sentiment [-- [--folds 5] [--no-cv] [DATA_ROOT]]   (default ../shared/data from the repository
// root; env SENTIMENT_DATA_ROOT). The data is read where it lies, never copied into the repository.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import vader from 'vader-sentiment';
import { ENGLISH_TRAINING, englishExamples, type RatedText } from '../src/sentiment/english/english-training.js';
import { parseRatedTexts } from '../src/sentiment/english/rated-texts.js';
import { predict, type ModelClass } from '../src/sentiment/linear-model.js';
import { detokenizePolish } from '../src/sentiment/polish/detokenize.js';
import { foldPolish } from '../src/sentiment/polish/polish-fold.js';
import { POLISH_TRAINING, parsePolEmo, polishExamples, polishTextFeatures, type LabelledSentence } from '../src/sentiment/polish/polish-training.js';
import { detectLanguage } from '../src/sentiment/mention-language.js';
import { scoreSentiment } from '../src/sentiment/score-sentiment.js';
import { trainLinearModel, type TrainingExample, type TrainingOptions } from '../src/sentiment/train-linear-model.js';
import { formatCount, printTable } from './bench-support.js';

const CLASSES: readonly ModelClass[] = ['positive', 'neutral', 'negative'];
const TIMING_PASSES = 3;
const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

interface Judged {
  gold: ModelClass;
  predicted: ModelClass;
  score: number;
  humanMean?: number;
}

function macroF1(judged: readonly Judged[]): number {
  const f1s = CLASSES.map((label) => {
    let truePositives = 0;
    let falsePositives = 0;
    let falseNegatives = 0;
    for (const { gold, predicted } of judged) {
      if (predicted === label && gold === label) truePositives += 1;
      else if (predicted === label) falsePositives += 1;
      else if (gold === label) falseNegatives += 1;
    }
    const precision = truePositives + falsePositives === 0 ? 0 : truePositives / (truePositives + falsePositives);
    const recall = truePositives + falseNegatives === 0 ? 0 : truePositives / (truePositives + falseNegatives);
    return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  });
  return f1s.reduce((sum, f1) => sum + f1, 0) / CLASSES.length;
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

function figures(name: string, scorer: string, judged: readonly Judged[], textsPerSecond?: number): string[] {
  const correct = judged.filter((item) => item.gold === item.predicted).length;
  const rated = judged.filter((item) => item.humanMean !== undefined);
  const r = rated.length === judged.length ? pearson(rated.map((item) => item.score), rated.map((item) => item.humanMean as number)).toFixed(3) : '';
  return [
    name,
    scorer,
    judged.length.toLocaleString('en-US'),
    `${((correct / judged.length) * 100).toFixed(1)}%`,
    macroF1(judged).toFixed(3),
    r,
    textsPerSecond === undefined ? '' : formatCount(textsPerSecond),
  ];
}

/**
 * Labels every text; the speed is texts per second of CPU time (this process, one thread), best of TIMING_PASSES
 * passes, so that neighbours on a shared machine do not count against it.
 */
function timed<T>(texts: readonly T[], label: (text: T) => { predicted: ModelClass; score: number }): { results: Array<{ predicted: ModelClass; score: number }>; textsPerSecond: number } {
  let results: Array<{ predicted: ModelClass; score: number }> = [];
  let ms = Number.POSITIVE_INFINITY;
  for (let pass = 0; pass < TIMING_PASSES; pass++) {
    const started = process.cpuUsage();
    results = texts.map(label);
    const used = process.cpuUsage(started);
    ms = Math.min(ms, (used.user + used.system) / 1000);
  }
  return { results, textsPerSecond: (texts.length * 1000) / ms };
}

function vaderLabel(text: string): { predicted: ModelClass; score: number } {
  const compound = vader.SentimentIntensityAnalyzer.polarity_scores(text).compound;
  return { predicted: compound >= 0.05 ? 'positive' : compound <= -0.05 ? 'negative' : 'neutral', score: compound };
}

function shippedLabel(language: string): (text: string) => { predicted: ModelClass; score: number } {
  return (text) => {
    const { label, score } = scoreSentiment(text, { language });
    return { predicted: label === 'unknown' ? 'neutral' : label, score: score ?? 0 };
  };
}

/** k-fold cross-validation: each fold is labelled by a model trained (with `options`) on the other folds. */
function crossValidate(examples: readonly TrainingExample[], evaluated: readonly TrainingExample[][], folds: number, options: TrainingOptions): Array<Array<{ predicted: ModelClass; score: number }>> {
  const out = evaluated.map((set) => new Array<{ predicted: ModelClass; score: number }>(set.length));
  for (let fold = 0; fold < folds; fold++) {
    const model = trainLinearModel(examples.filter((_, index) => index % folds !== fold), options);
    evaluated.forEach((set, which) => {
      set.forEach((example, index) => {
        if (index % folds !== fold) return;
        const { label, score } = predict(model, example.features);
        (out[which] as Array<{ predicted: ModelClass; score: number }>)[index] = { predicted: label, score };
      });
    });
  }
  return out;
}

function english(directory: string, folds: number, crossValidation: boolean, rows: string[][]): RatedText[] {
  const read = (suffix: string) =>
    readdirSync(directory)
      .filter((name) => name.endsWith(suffix))
      .sort()
      .map((name) => ({ name, texts: parseRatedTexts(readFileSync(join(directory, name), 'utf8'), name).texts }));
  const heldOut = read('.test.tsv');
  const dev = read('.dev.tsv');
  for (const { name, texts } of heldOut) {
    for (const [scorer, label] of [['buzzwatch en', shippedLabel('en')], ['VADER', vaderLabel]] as const) {
      const { results, textsPerSecond } = timed(texts.map((rated) => rated.text), label);
      rows.push(figures(`${name} (not learnt from)`, scorer, texts.map((rated, index) => ({ gold: rated.label, humanMean: rated.humanMean, ...(results[index] as { predicted: ModelClass; score: number }) })), textsPerSecond));
    }
  }
  const all = dev.flatMap((file) => file.texts);
  if (crossValidation && all.length > 0) {
    const examples = englishExamples(all);
    const [predictions] = crossValidate(examples, [examples], folds, ENGLISH_TRAINING);
    for (const { name, texts } of dev) {
      const judged = all.flatMap((rated, index) => (rated.set === name ? [{ gold: rated.label, humanMean: rated.humanMean, ...(predictions?.[index] as { predicted: ModelClass; score: number }) }] : []));
      rows.push(figures(`${name} (${folds}-fold CV)`, 'buzzwatch en', judged));
      rows.push(figures(`${name}`, 'VADER', texts.map((rated) => ({ gold: rated.label, humanMean: rated.humanMean, ...vaderLabel(rated.text) }))));
    }
  }
  return [...all, ...heldOut.flatMap((file) => file.texts)];
}

function withoutDiacritics(sentence: LabelledSentence): LabelledSentence {
  return { ...sentence, text: foldPolish(sentence.text.toLowerCase()) };
}

function polish(file: string, folds: number, crossValidation: boolean, rows: string[][]): LabelledSentence[] {
  const content = readFileSync(file, 'utf8');
  const { sentences } = parsePolEmo(content);
  const tokenised = parsePolEmo(content, true).sentences;
  if (crossValidation) {
    // Trained on detokenised folds; judged on the held-out fold as detokenised, as tokenised and without diacritics.
    const examples = polishExamples(sentences);
    const variants = [
      ['detokenised', examples],
      ['as tokenised in PolEmo', tokenised.map((sentence) => ({ features: polishTextFeatures(sentence.text), label: sentence.label }))],
      ['detokenised, no diacritics', sentences.map(withoutDiacritics).map((sentence) => ({ features: polishTextFeatures(sentence.text), label: sentence.label }))],
    ] as const;
    const predictions = crossValidate(examples, variants.map(([, set]) => [...set]), folds, POLISH_TRAINING);
    variants.forEach(([variant], which) => {
      const judged = sentences.map((sentence, index) => ({ gold: sentence.label, ...(predictions[which]?.[index] as { predicted: ModelClass; score: number }) }));
      rows.push(figures(`polemo-medicine.dev (${folds}-fold CV, ${variant})`, 'buzzwatch pl', judged));
    });
  }
  const neutral = sentences.map((sentence) => ({ gold: sentence.label, predicted: 'neutral' as const, score: 0 }));
  rows.push(figures('polemo-medicine.dev', 'all neutral', neutral));
  return sentences;
}

function main(): void {
  const { values, positionals } = parseArgs({
    options: { folds: { type: 'string', default: '5' }, 'no-cv': { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  const root = resolve(positionals[0] ?? process.env.SENTIMENT_DATA_ROOT ?? resolve(repositoryRoot, '../shared/data'));
  const folds = Number(values.folds);
  const crossValidation = values['no-cv'] !== true;
  const englishDirectory = join(root, 'sentiment-dev');
  const polishFile = join(root, 'sentiment-pl', 'polemo-medicine.dev.tsv');
  if (!existsSync(englishDirectory) && !existsSync(polishFile)) {
    console.log(`sentiment bench skipped: neither ${englishDirectory} nor ${polishFile} exists (pass DATA_ROOT)`);
    return;
  }
  console.log('accuracy and macro-F1 over positive/neutral/negative; r = Pearson correlation of the score with human_mean;');
  console.log(`texts/s = per second of CPU time, best of ${TIMING_PASSES} single-threaded passes. "(k-fold CV)": each fold labelled by a model`);
  console.log('trained on the other folds, never on itself. VADER rows: the vader-sentiment package, compound ±0.05.\n');
  // Warm-up, so that the first file's speed is not the JIT's.
  for (let index = 0; index < 2000; index++) scoreSentiment(`warm up ${index} good bad`, { language: index % 2 === 0 ? 'en' : 'pl' });
  const rows: string[][] = [];
  const englishTexts = existsSync(englishDirectory) ? english(englishDirectory, folds, crossValidation, rows) : [];
  const polishSentences = existsSync(polishFile) ? polish(polishFile, folds, crossValidation, rows) : [];
  printTable(['set', 'scorer', 'n', 'accuracy', 'macro-F1', 'r', 'texts/s'], rows);

  console.log('\nthroughput per core (scoreSentiment, whole pipeline: language, tokens, rules, model):');
  const speed: string[][] = [];
  const measure = (name: string, texts: readonly string[], language: string) => {
    if (texts.length === 0) return;
    const { textsPerSecond } = timed(texts, (text) => ({ predicted: 'neutral', score: scoreSentiment(text, { language }).score ?? 0 }));
    speed.push([name, language, texts.length.toLocaleString('en-US'), formatCount(textsPerSecond)]);
  };
  measure('English texts', englishTexts.map((rated) => rated.text), 'en');
  measure('English texts', englishTexts.map((rated) => rated.text), 'auto');
  measure('Polish sentences', polishSentences.map((sentence) => detokenizePolish(sentence.text)), 'pl');
  measure('Polish sentences', polishSentences.map((sentence) => sentence.text), 'auto');
  printTable(['texts', 'language', 'n', 'texts/s'], speed);
  languageDetection(englishTexts.map((rated) => rated.text), polishSentences.map((sentence) => detokenizePolish(sentence.text)));
}

/**
 * How often detection (no language declared) reads a text in its own language: English texts, Polish sentences
 * alone and joined four at a time (mention-sized), and the same Polish without diacritics. `unknown` is read as
 * English, so for English texts it costs nothing; for Polish it means scored as English.
 */
function languageDetection(englishTexts: readonly string[], polishSentences: readonly string[]): void {
  const joined = (sentences: readonly string[], size: number) =>
    Array.from({ length: Math.floor(sentences.length / size) }, (_, index) => sentences.slice(index * size, (index + 1) * size).join(' '));
  const sets: Array<[string, string, readonly string[]]> = [
    ['English texts', 'en', englishTexts],
    ['Polish sentences', 'pl', polishSentences],
    ['Polish, 4 sentences each', 'pl', joined(polishSentences, 4)],
    ['Polish sentences, no diacritics', 'pl', polishSentences.map((sentence) => foldPolish(sentence.toLowerCase()))],
  ];
  const rows = sets
    .filter(([, , texts]) => texts.length > 0)
    .map(([name, language, texts]) => {
      const detected: Array<string | null> = [];
      const { textsPerSecond } = timed(texts, (text) => {
        detected.push(detectLanguage(text));
        return { predicted: 'neutral', score: 0 };
      });
      const share = (count: number) => `${((count / detected.length) * 100).toFixed(1)}%`;
      const right = detected.filter((each) => each === language).length;
      const unknown = detected.filter((each) => each === null).length;
      // Shares over every timed pass: the same texts each time, so the same shares as one pass.
      return [name, language, texts.length.toLocaleString('en-US'), share(right), share(unknown), share(detected.length - right - unknown), formatCount(textsPerSecond)];
    });
  console.log('\nlanguage detection (no language declared; unknown is scored as English):');
  printTable(['texts', 'language', 'n', 'detected right', 'unknown', 'wrong', 'texts/s'], rows);
}

main();
