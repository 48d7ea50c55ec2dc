// `buzzwatch stories`: JSON lines in, one {"id","story_id"} line out per mention, from the production assigner.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoryAssigner } from '../../src/stories/story-assigner.js';
import { parseStoryInputLine } from '../../src/stories/story-input-line.js';
import { killAllCliProcesses, runCli, type CliExit } from '../helpers/cli-process.js';

const at = (minutes: number) => new Date(Date.parse('2026-03-02T08:00:00Z') + minutes * 60_000).toISOString();

const LINES = [
  { id: 'r1', title: 'Acme recalls 37,000 Roadster vans over brake fault', url: 'https://a.example/r1', site: 'a.example', published_at: at(0) },
  { id: 'l1', title: 'Acme unveils Skyline phone with foldable screen', url: 'https://b.example/l1', published_at: at(10) },
  { id: 'r2', title: 'UPDATE 1-Acme recalls 37,000 Roadster vans over brake fault - Reuters', url: 'https://c.example/r2', published_at: at(20) },
  { id: 'g1', title: 'Globex recalls 37,000 Roadster vans over brake fault', url: 'https://c.example/g1', published_at: at(25), brand: 'globex' },
  { id: 'l2', title: 'Hands-on: Acme Skyline foldable phone unveiled', text: 'The Skyline ships in May.', url: 'https://d.example/l2', published_at: at(30) },
].map((line) => JSON.stringify(line));

describe('buzzwatch stories', () => {
  let good: CliExit;
  let bad: CliExit;

  // Node processes of the CLI start here: on a loaded machine a start alone can take 20 s.
  beforeAll(async () => {
    [good, bad] = await Promise.all([
      // A UTF-8 byte-order mark first (as Windows tools write), a CRLF line end, a blank line.
      runCli(['stories'], {}, { stdin: `\uFEFF${LINES.slice(0, 2).join('\n')}\r\n\n${LINES.slice(2).join('\n')}` }),
      runCli(['stories'], {}, { stdin: `${LINES[0]}\n{"id":"x","title":"T","url":"u","published_at":"soon"}\n${LINES[1]}\n` }),
    ]);
  }, 120_000);

  afterAll(killAllCliProcesses);

  it('prints one line per mention, in order, with the stories of the production assigner', () => {
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    const printed = good.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { id: string; story_id: string });
    const assigner = new StoryAssigner();
    const expected = LINES.map((line) => {
      const { brandId, mention } = parseStoryInputLine(line);
      return { id: mention.id, story_id: assigner.assign(brandId, mention).storyId };
    });
    expect(printed).toEqual(expected);
    const [r1, l1, r2, g1, l2] = printed.map((line) => line.story_id);
    expect(r2).toBe(r1);
    expect(l2).toBe(l1);
    expect(new Set([r1, l1, g1]).size).toBe(3); // another brand's copy is another brand's story
    for (const line of good.stdout.trimEnd().split('\n')) expect(line).toMatch(/^\{"id":"[^"]+","story_id":"[0-9a-f]{24}"\}$/);
  });

  it('stops at a bad line with exit code 1, naming its line number', () => {
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('buzzwatch stories: line 2: "published_at" is not an ISO 8601 time: "soon"\n');
    expect(bad.stdout.trimEnd().split('\n')).toHaveLength(1);
  });
});
