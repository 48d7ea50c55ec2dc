// How a stored mention takes part in story assignment: its headline, or for a post without one (a tweet, a forum
// reply) the start of its text, counts as the headline.
import type { Mention } from '../mentions/mention.js';
import type { StoryMention } from './brand-stories.js';

const UNTITLED_HEADLINE_CHARS = 280;

export function storyMentionOf(mention: Pick<Mention, 'id' | 'title' | 'text' | 'url'>, time: Date): StoryMention {
  const title = mention.title?.trim() ? mention.title : null;
  return {
    id: mention.id,
    time: time.getTime(),
    title: title ?? mention.text.slice(0, UNTITLED_HEADLINE_CHARS),
    text: title === null ? null : mention.text,
    url: mention.url,
  };
}

/** Where a mention was published: its URL's host without "www.", else its source. */
export function siteOf(url: string | null, sourceId: string): string {
  if (url !== null) {
    try {
      const host = new URL(url).hostname.toLowerCase();
      if (host !== '') return host.replace(/^www\./, '');
    } catch {
      // not a URL: the source stands for the site
    }
  }
  return sourceId;
}
