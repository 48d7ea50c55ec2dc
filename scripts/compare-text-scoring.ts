// Compares what two copies of buzzwatch make of the same texts, output by output: sentiment (detected, English,
// Polish, with and without masked brand names), language, sentiment tokens, word tokens, search text and story terms
// of every VADER and PolEmo text in DATA_ROOT and of synthetic bench mentions (scoreMention and prepareMention), and
// story assignments over the UCI headlines. For a change meant to be faster with the same results: any difference
// is printed and the exit status is 1.
// Usage: git archive REV | tar -x -C scratch/REV
//        npx tsx scripts/compare-text-scoring.ts scratch/REV [NEW_ROOT=.] [DATA_ROOT=../shared/data]
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [oldRoot, newRoot = '.', dataRoot = resolve(import.meta.dirname, '../../shared/data')] = process.argv.slice(2);
if (oldRoot === undefined) {
  console.error('usage: npx tsx scripts/compare-text-scoring.ts OLD_ROOT [NEW_ROOT] [DATA_ROOT]');
  process.exit(2);
}

function readTexts(): string[] {
  const texts: string[] = [];
  const english = join(dataRoot, 'sentiment-dev');
  for (const file of readdirSync(english).filter((name) => name.endsWith('.tsv')).sort()) {
    // id, human_mean, gold, text (the text may hold tabs).
    for (const line of readFileSync(join(english, file), 'utf8').split(/\r?\n/).slice(1)) if (line) texts.push(line.split('\t').slice(3).join('\t'));
  }
  for (const line of readFileSync(join(dataRoot, 'sentiment-pl/polemo-medicine.dev.tsv'), 'utf8').split(/\r?\n/)) {
    const tab = line.indexOf('\t');
    if (tab > 0) texts.push(line.slice(tab + 1));
  }
  // What the corpora lack: emoji, shouting, long runs, NUL, lone surrogates, letters that fold, markers.
  texts.push('great😀😀 bad👎🏽 ok', 'This is GREAT!!! but SO bad??', 'a'.repeat(30_000), 'x\u0000y', '\uD800abc \uDC00 d');
  texts.push("@h #t ##tt a#b press@acme.com Łódź ß æ ‘quoted’ it`s", "Acme's Best Buy rocks. Happy Socks are awful", 'ǅemal İstanbul ΣΑΣ ﬁne ２０２４ Ⅻ');
  return texts;
}

/** Every output of the copy at `root`, one JSON line per text, mention or assignment run. */
async function outputs(root: string, texts: readonly string[]): Promise<string[]> {
  const load = async (path: string) => import(pathToFileURL(resolve(root, path)).href);
  const { scoreSentiment } = await load('src/sentiment/score-sentiment.ts');
  const { mentionLanguage } = await load('src/sentiment/mention-language.ts');
  const { tokenizeText } = await load('src/sentiment/text-tokens.ts');
  const { wordTokens } = await load('src/mentions/word-tokens.ts');
  const { searchableText } = await load('src/mentions/search-text.ts');
  const { storyTerms } = await load('src/stories/story-terms.ts');
  const { compilePhrase } = await load('src/mentions/brand-matcher.ts');
  const { detokenizePolish } = await load('src/sentiment/polish/detokenize.ts');
  const { scoreMention, prepareMention } = await load('src/scorer/score-and-store.ts');
  const { brandKeywordPhrases } = await load('src/mentions/brand-rules.ts');
  const { DEFAULT_STORY_OPTIONS } = await load('src/stories/story-options.ts');
  const { StoryAssigner } = await load('src/stories/story-assigner.ts');
  const { makeMentions, BENCH_BRANDS } = await load('bench/bench-support.ts');
  const masked = ['Acme', 'Best Buy', 'great', 'Łódź'].map(compilePhrase);
  const lines: string[] = [];
  for (const raw of texts) {
    for (const text of [raw, detokenizePolish(raw)]) {
      const tokenized = tokenizeText(text);
      lines.push(JSON.stringify([
        scoreSentiment(text, {}),
        scoreSentiment(text, { language: 'en' }),
        scoreSentiment(text, { language: 'en', maskedPhrases: masked }),
        scoreSentiment(text, { language: 'pl', maskedPhrases: masked }),
        mentionLanguage(null, text),
        tokenized,
        wordTokens(text),
        searchableText(text),
        termPairs(storyTerms({ title: text.slice(0, 200), text, url: null })),
      ]));
    }
  }
  const phrases = brandKeywordPhrases(BENCH_BRANDS);
  const weights = DEFAULT_STORY_OPTIONS.weights;
  for (const generated of makeMentions({ count: 5_000, spanDays: 60, newest: new Date('2026-11-01T00:00:00Z') })) {
    for (const mention of [{ ...generated, lang: null }, { ...generated, lang: null, title: null, url: 'https://x.example/a/some-slug-words-here.html' }]) {
      const scored = scoreMention(mention, phrases);
      const prepared = prepareMention(mention, weights);
      lines.push(JSON.stringify([scored.lang, scored.sentiment, prepared.searchText, termPairs(prepared.storyTerms)]));
    }
  }
  const headlines = readFileSync(join(dataRoot, 'stories/uci-news-stories.dev.jsonl'), 'utf8').split('\n').filter(Boolean);
  for (const options of [{}, { joinThreshold: 0.1 }, { joinThreshold: 0.3, maxOpenStories: 50 }, { maxStoryTerms: 20 }]) {
    const assigner = new StoryAssigner(options);
    const assigned = headlines.map((line) => {
      const row = JSON.parse(line) as { id: string; title: string; url: string; published_at: string; story: string };
      const brand = row.story.length % 3 === 0 ? 'one' : 'other';
      return assigner.assign(brand, { id: row.id, title: row.title, url: row.url, time: Date.parse(row.published_at) });
    });
    lines.push(JSON.stringify([options, assigned]));
  }
  return lines;
}

/** Story terms as [term, weight] pairs, from either form a copy answers (a Map before 2026-12-05, a TermList since). */
function termPairs(terms: Map<string, number> | { terms: string[]; weights: Float64Array }): Array<[string, number]> {
  return terms instanceof Map ? [...terms] : terms.terms.map((term, at) => [term, terms.weights[at] as number]);
}

const texts = readTexts();
const before = await outputs(oldRoot, texts);
const after = await outputs(newRoot, texts);
let differences = 0;
for (let index = 0; index < Math.max(before.length, after.length); index++) {
  if (before[index] === after[index]) continue;
  differences += 1;
  if (differences <= 5) console.log(`line ${index} differs:\n  ${oldRoot}: ${before[index]?.slice(0, 400)}\n  ${newRoot}: ${after[index]?.slice(0, 400)}`);
}
console.log(`${texts.length} texts (each also detokenised), 10,000 mentions, 4 story runs: ${before.length} outputs compared, ${differences} differ`);
process.exitCode = differences === 0 ? 0 : 1;
