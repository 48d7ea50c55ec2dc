// Story assignment over a stream of mentions of many brands, state kept in memory: what `buzzwatch stories` and
// bench:stories run. The scorer runs the same BrandStories per batch, with state loaded from PostgreSQL.
import { BrandStories, type StoryAssignment, type StoryMention } from './brand-stories.js';
import type { StoryOptions } from './story-options.js';

export class StoryAssigner {
  private readonly brands = new Map<string, BrandStories>();

  constructor(private readonly options: Partial<StoryOptions> = {}) {}

  assign(brandId: string, mention: StoryMention): StoryAssignment {
    let stories = this.brands.get(brandId);
    if (stories === undefined) {
      stories = new BrandStories(brandId, [], this.options);
      this.brands.set(brandId, stories);
    }
    const assignment = stories.assign(mention);
    // Nothing is saved here: changes are dropped so that they do not pile up.
    stories.drainChanges();
    return assignment;
  }
}
