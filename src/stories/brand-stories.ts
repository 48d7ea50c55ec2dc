// The open stories of one brand and the online assignment of new mentions to them: a mention joins the open story
// whose centroid is most like it (cosine of TF-IDF vectors, the IDF counting in how many open stories a term
// occurs), or starts a new story. Pure and deterministic: the same snapshots and the same mentions in the same
// order give the same assignments, whether it runs in the scorer (state loaded from PostgreSQL per batch) or in
// `buzzwatch stories` (state kept in memory).
import { MinHeap } from './min-heap.js';
import { storyId } from './story-id.js';
import { DEFAULT_STORY_OPTIONS, type StoryOptions } from './story-options.js';
import { storyTerms, type StoryText, type TermBag } from './story-terms.js';

export interface StoryMention extends StoryText {
  id: string;
  /** When it counts (ms since the epoch): what the quiet period is measured against. */
  time: number;
}

/** An open story as stored between batches. */
export interface StorySnapshot {
  id: string;
  firstSeenAt: number;
  lastSeenAt: number;
  mentions: number;
  /** The representative headline: the one most like the story when it joined. */
  title: string;
  titleSimilarity: number;
  /** Summed term weights of its mentions, in the order the centroid holds them. */
  terms: Array<[string, number]>;
}

export interface StoryAssignment {
  mentionId: string;
  storyId: string;
  created: boolean;
  similarity: number;
}

interface OpenStory {
  id: string;
  firstSeenAt: number;
  lastSeenAt: number;
  mentions: number;
  title: string;
  titleSimilarity: number;
  /** The centroid, in its own order (see snapshot). */
  terms: Map<string, CentroidTerm>;
}

/**
 * One term of a centroid: its summed weight, and the open stories that hold the term (the brand's index entry, shared
 * by every centroid holding it). Similarity reads each candidate's whole centroid with each term's story frequency;
 * kept here, that is no lookup per term, and a join or a trim changes a weight without a new Map entry or pair.
 */
interface CentroidTerm {
  term: string;
  weight: number;
  holders: Set<string>;
}

export class BrandStories {
  private readonly options: StoryOptions;
  private readonly stories = new Map<string, OpenStory>();
  /** Term → the open stories whose centroid holds it; its size is the term's story frequency. */
  private readonly storiesWithTerm = new Map<string, Set<string>>();
  /** Stories by last-seen time, with stale entries skipped on the way out. */
  private readonly byLastSeen = new MinHeap();
  private clock = Number.NEGATIVE_INFINITY;
  /** Stories changed or created since the last drain, and stories closed. */
  private readonly touched = new Set<string>();
  private readonly closed = new Set<string>();
  /** Last states of stories that changed and then closed before the drain: they still have to be saved. */
  private readonly closedChanged = new Map<string, StorySnapshot>();

  constructor(
    readonly brandId: string,
    snapshots: readonly StorySnapshot[] = [],
    options: Partial<StoryOptions> = {},
  ) {
    this.options = { ...DEFAULT_STORY_OPTIONS, ...options };
    // Creation order decides ties; snapshots come back in any order, so they are put in a stable one.
    const ordered = [...snapshots].sort((a, b) => a.firstSeenAt - b.firstSeenAt || compareText(a.id, b.id));
    for (const snapshot of ordered) {
      const story: OpenStory = { ...snapshot, terms: new Map() };
      this.stories.set(story.id, story);
      for (const [term, weight] of snapshot.terms) story.terms.set(term, { term, weight, holders: this.index(term, story.id) });
      this.byLastSeen.push(story.lastSeenAt, story.id);
      this.clock = Math.max(this.clock, story.lastSeenAt);
    }
  }

  get openCount(): number {
    return this.stories.size;
  }

  /**
   * Puts one mention into a story (a new one when no open story is similar enough). `terms`, when given, are the
   * mention's storyTerms with these options' weights, worked out beforehand (they are read, never changed).
   */
  assign(mention: StoryMention, terms?: TermBag): StoryAssignment {
    this.clock = Math.max(this.clock, mention.time);
    this.closeQuietStories();
    const bag = terms ?? storyTerms(mention, this.options.weights);
    const best = this.mostSimilarStory(bag);
    if (best !== null && best.similarity >= this.options.joinThreshold) {
      const story = this.stories.get(best.id) as OpenStory;
      this.join(story, mention, bag, best.similarity);
      return { mentionId: mention.id, storyId: story.id, created: false, similarity: best.similarity };
    }
    const story = this.start(mention, bag);
    this.closeOverflow();
    return { mentionId: mention.id, storyId: story.id, created: true, similarity: best?.similarity ?? 0 };
  }

  snapshot(id: string): StorySnapshot | undefined {
    const story = this.stories.get(id);
    if (story === undefined) return undefined;
    // In the centroid's own order: sums over it then come out bit for bit the same after a round trip.
    return { ...story, terms: Array.from(story.terms.values(), ({ term, weight }) => [term, weight] as [string, number]) };
  }

  /**
   * What changed since the last call: stories to save (created or grown, including those that closed since) and ids
   * of stories that closed.
   */
  drainChanges(): { changed: StorySnapshot[]; closed: string[] } {
    const changed = [...this.closedChanged.values(), ...[...this.touched].flatMap((id) => this.snapshot(id) ?? [])];
    const closed = [...this.closed];
    this.touched.clear();
    this.closed.clear();
    this.closedChanged.clear();
    return { changed, closed };
  }

  private mostSimilarStory(bag: TermBag): { id: string; similarity: number } | null {
    const storyCount = this.stories.size;
    if (storyCount === 0 || bag.size === 0) return null;
    const logStories = Math.log(storyCount + this.options.idfSmoothing);
    // A term's IDF is logStories - log(story frequency + 1); each term is looked up once for its holders and its
    // frequency, and the logarithms of small counts come from a table (the same values: Math.log is deterministic).
    // A term in more than half of the open stories tells them apart too little to make a story a candidate.
    const candidateLimit = Math.max(1, storyCount / 2);
    let mentionNorm = 0;
    let commonNorm = 0;
    const overlaps = new Map<string, { dot: number; sharedNorm: number }>();
    for (const [term, weight] of bag) {
      const holders = this.storiesWithTerm.get(term);
      const termIdf = logStories - logOf((holders?.size ?? 0) + 1);
      const mentionWeight = weight * termIdf;
      mentionNorm += mentionWeight * mentionWeight;
      if (holders === undefined) continue;
      if (holders.size > candidateLimit) {
        commonNorm += mentionWeight * mentionWeight;
        continue;
      }
      for (const id of holders) {
        const story = this.stories.get(id) as OpenStory;
        const overlap = overlaps.get(id) ?? { dot: 0, sharedNorm: 0 };
        overlap.dot += mentionWeight * (story.terms.get(term) as CentroidTerm).weight * termIdf;
        overlap.sharedNorm += mentionWeight * mentionWeight;
        overlaps.set(id, overlap);
      }
    }
    if (mentionNorm === 0) return null;
    let best: { id: string; similarity: number } | null = null;
    for (const [id, overlap] of overlaps) {
      // Cauchy-Schwarz: the cosine is at most the share of the mention's norm on terms the story holds. Below the
      // threshold the story cannot be joined, and the centroid's norm (the costly part) is not worth computing.
      if ((overlap.sharedNorm + commonNorm) / mentionNorm < this.options.joinThreshold ** 2) continue;
      const story = this.stories.get(id) as OpenStory;
      let dot = overlap.dot;
      let storyNorm = 0;
      for (const { term, weight, holders } of story.terms.values()) {
        const storyFrequency = holders.size;
        const termIdf = logStories - logOf(storyFrequency + 1);
        storyNorm += weight * termIdf * (weight * termIdf);
        // Terms too common to find candidates still count in the similarity of a candidate.
        if (storyFrequency > candidateLimit) {
          const mentionWeight = bag.get(term);
          if (mentionWeight !== undefined) dot += mentionWeight * termIdf * weight * termIdf;
        }
      }
      if (storyNorm === 0) continue;
      const similarity = dot / Math.sqrt(mentionNorm * storyNorm);
      if (best === null || similarity > best.similarity || (similarity === best.similarity && this.isOlder(id, best.id))) {
        best = { id, similarity };
      }
    }
    return best;
  }

  private isOlder(id: string, than: string): boolean {
    const a = this.stories.get(id) as OpenStory;
    const b = this.stories.get(than) as OpenStory;
    return a.firstSeenAt < b.firstSeenAt || (a.firstSeenAt === b.firstSeenAt && id < than);
  }

  private start(mention: StoryMention, bag: TermBag): OpenStory {
    const story: OpenStory = {
      id: storyId(this.brandId, mention.id),
      firstSeenAt: mention.time,
      lastSeenAt: mention.time,
      mentions: 0,
      title: '',
      titleSimilarity: -1,
      terms: new Map(),
    };
    this.stories.set(story.id, story);
    this.join(story, mention, bag, 0);
    return story;
  }

  private join(story: OpenStory, mention: StoryMention, bag: TermBag, similarity: number): void {
    story.mentions += 1;
    story.firstSeenAt = Math.min(story.firstSeenAt, mention.time);
    if (mention.time > story.lastSeenAt) {
      story.lastSeenAt = mention.time;
      this.byLastSeen.push(story.lastSeenAt, story.id);
    } else if (story.mentions === 1) this.byLastSeen.push(story.lastSeenAt, story.id);
    if (similarity > story.titleSimilarity && mention.title) {
      story.title = mention.title;
      story.titleSimilarity = similarity;
    }
    for (const [term, weight] of bag) {
      const held = story.terms.get(term);
      if (held === undefined) story.terms.set(term, { term, weight, holders: this.index(term, story.id) });
      else held.weight += weight;
    }
    if (story.terms.size > this.options.maxStoryTerms) this.trimTerms(story);
    this.touched.add(story.id);
  }

  /** Keeps the heaviest terms of a centroid that grew past its cap. */
  private trimTerms(story: OpenStory): void {
    // Heaviest first, ties by term: the kept ones in that order become the centroid's order.
    const sorted = Array.from(story.terms.values()).sort((a, b) => b.weight - a.weight || compareText(a.term, b.term));
    const kept = new Map<string, CentroidTerm>();
    for (const [rank, entry] of sorted.entries()) {
      if (rank < this.options.maxStoryTerms) kept.set(entry.term, entry);
      else this.unindex(entry.term, story.id);
    }
    story.terms = kept;
  }

  private closeQuietStories(): void {
    const cutoff = this.clock - this.options.quietPeriodMs;
    while ((this.byLastSeen.peekKey() ?? Number.POSITIVE_INFINITY) < cutoff) this.closeEntry();
  }

  private closeOverflow(): void {
    while (this.stories.size > this.options.maxOpenStories && this.byLastSeen.size > 0) this.closeEntry();
  }

  /** Closes the story of the heap's first entry unless the entry is stale (the story was seen since). */
  private closeEntry(): void {
    const entry = this.byLastSeen.pop();
    if (entry === undefined) return;
    const story = this.stories.get(entry.value);
    if (story === undefined || story.lastSeenAt !== entry.key) return;
    if (this.touched.has(story.id)) this.closedChanged.set(story.id, this.snapshot(story.id) as StorySnapshot);
    this.stories.delete(story.id);
    for (const term of story.terms.keys()) this.unindex(term, story.id);
    this.touched.delete(story.id);
    this.closed.add(story.id);
  }

  /** Records that story `id` holds `term`; answers the term's holders. */
  private index(term: string, id: string): Set<string> {
    const holders = this.storiesWithTerm.get(term);
    if (holders !== undefined) return holders.add(id);
    const created = new Set([id]);
    this.storiesWithTerm.set(term, created);
    return created;
  }

  private unindex(term: string, id: string): void {
    const holders = this.storiesWithTerm.get(term);
    if (holders === undefined) return;
    holders.delete(id);
    if (holders.size === 0) this.storiesWithTerm.delete(term);
  }
}

// Math.log of the story frequencies an IDF meets (at most the open stories of a brand, plus one), worked out once.
const SMALL_LOGS = Array.from({ length: DEFAULT_STORY_OPTIONS.maxOpenStories + 2 }, (_, count) => Math.log(count));

function logOf(count: number): number {
  return count < SMALL_LOGS.length ? (SMALL_LOGS[count] as number) : Math.log(count);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
