// `buzzwatch stories`: assigns stories to mentions given as JSON lines on stdin (in time order) with the scorer's
// own assignment code, and prints one {"id","story_id"} line per mention, in the same order.
import { once } from 'node:events';
import { StoryAssigner } from '../stories/story-assigner.js';
import { parseStoryInputLine, StoryInputError } from '../stories/story-input-line.js';
import type { CliCommand } from './command.js';
import { inputLines } from './input-lines.js';
import { positionalArguments } from './positional-arguments.js';

export const storiesCommand: CliCommand = {
  name: 'stories',
  synopsis: '',
  summary: 'group JSON-line mentions from stdin into stories, print {"id","story_id"} lines',
  details: [
    'input, one JSON object per line, in time order:',
    '  {"id","title","text"?,"url","site"?,"published_at","brand"?}   (lines without "brand" are one brand)',
    'a bad line stops the command with exit code 1 and its line number; blank lines are skipped',
  ].join('\n'),
  async run(args) {
    positionalArguments(args, storiesCommand, 0);
    const assigner = new StoryAssigner();
    let lineNumber = 0;
    for await (const line of inputLines(process.stdin)) {
      lineNumber += 1;
      if (line.trim() === '') continue;
      let input;
      try {
        input = parseStoryInputLine(line);
      } catch (error) {
        if (!(error instanceof StoryInputError)) throw error;
        console.error(`buzzwatch stories: line ${lineNumber}: ${error.message}`);
        return 1;
      }
      const { storyId } = assigner.assign(input.brandId, input.mention);
      // Waits for a slow reader instead of piling the output up in memory.
      if (!process.stdout.write(`${JSON.stringify({ id: input.mention.id, story_id: storyId })}\n`)) {
        await once(process.stdout, 'drain');
      }
    }
    return 0;
  },
};
