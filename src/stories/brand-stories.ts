// The open stories of one brand and the online assignment of new mentions to them: a mention joins the open story
// whose centroid is most like it (cosine of TF-IDF vectors, the IDF counting in how many open stories a term
// occurs), or starts a new story. Pure and deterministic: the same snapshots and the same mentions in the same
// order give the same assignments, whether it runs in the scorer (state loaded from PostgreSQL per batch) or in
// `buzzwatch stories` (state kept in memory).
import { MinHeap } from './min-heap.js';
import { storyId } from './story-id.js';
import { DEFAULT_STORY_OPTIONS, type StoryOptions } from './story-options.js';
import { storyTerms, type StoryText, type TermList } from './story-terms.js';

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
  /**
   * Scratch of mostSimilarStory, valid while `overlapOf` is the mention it is comparing: the dot product and the
   * mention's squared norm on the terms this story shares with it (no Map and no object per candidate and mention).
   */
  overlapOf: number;
  dot: number;
  sharedNorm: number;
}

/**
 * One term of one story's centroid: its summed weight, and the brand's index entry for the term (the centroid terms
 * of every open story that holds it; its size is the term's story frequency). Similarity reads, for each term of the
 * mention, the stories holding it with their weights, and for each candidate its whole centroid with each term's
 * frequency: linked both ways, that is no Map lookup per term and story, and a join or a trim changes a weight
 * without a new entry or pair.
 */
interface CentroidTerm {
  term: string;
  weight: number;
  story: OpenStory;
  holders: Set<CentroidTerm>;
}

export class BrandStories {
  private readonly options: StoryOptions;
  private readonly stories = new Map<string, OpenStory>();
  /** Term → its centroid terms in the open stories that hold it; its size is the term's story frequency. */
  private readonly storiesWithTerm = new Map<string, Set<CentroidTerm>>();
  /** Stories by last-seen time, with stale entries skipped on the way out. */
  private readonly byLastSeen = new MinHeap();
  private clock = Number.NEGATIVE_INFINITY;
  /** Mentions compared so far: tells a story's overlap scratch of this mention from an earlier one's. */
  private comparisons = 0;
  /** Scratch of mostSimilarStory: the mention's weights of its terms too common to find candidates. */
  private readonly commonWeights = new Map<string, number>();
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
      const { id, firstSeenAt, lastSeenAt, mentions, title, titleSimilarity } = snapshot;
      const story: OpenStory = { id, firstSeenAt, lastSeenAt, mentions, title, titleSimilarity, terms: new Map(), overlapOf: -1, dot: 0, sharedNorm: 0 };
      this.stories.set(story.id, story);
      for (const [term, weight] of snapshot.terms) this.addTerm(story, term, weight);
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
  assign(mention: StoryMention, terms?: TermList): StoryAssignment {
    this.clock = Math.max(this.clock, mention.time);
    this.closeQuietStories();
    const mentionTerms = terms ?? storyTerms(mention, this.options.weights);
    const best = this.mostSimilarStory(mentionTerms);
    if (best !== null && best.similarity >= this.options.joinThreshold) {
      const { story } = best;
      this.join(story, mention, mentionTerms, best.similarity);
      return { mentionId: mention.id, storyId: story.id, created: false, similarity: best.similarity };
    }
    const story = this.start(mention, mentionTerms);
    this.closeOverflow();
    return { mentionId: mention.id, storyId: story.id, created: true, similarity: best?.similarity ?? 0 };
  }

  snapshot(id: string): StorySnapshot | undefined {
    const story = this.stories.get(id);
    if (story === undefined) return undefined;
    const { firstSeenAt, lastSeenAt, mentions, title, titleSimilarity } = story;
    // In the centroid's own order: sums over it then come out bit for bit the same after a round trip.
    const terms = Array.from(story.terms.values(), ({ term, weight }) => [term, weight] as [string, number]);
    return { id, firstSeenAt, lastSeenAt, mentions, title, titleSimilarity, terms };
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

  private mostSimilarStory(mentionTerms: TermList): { story: OpenStory; similarity: number } | null {
    const storyCount = this.stories.size;
    const { terms, weights } = mentionTerms;
    if (storyCount === 0 || terms.length === 0) return null;
    const logStories = Math.log(storyCount + this.options.idfSmoothing);
    // A term's IDF is logStories - log(story frequency + 1); each term is looked up once for its holders and its
    // frequency, and the logarithms of small counts come from a table (the same values: Math.log is deterministic).
    // A term in more than half of the open stories tells them apart too little to make a story a candidate.
    const candidateLimit = Math.max(1, storyCount / 2);
    let mentionNorm = 0;
    let commonNorm = 0;
    // The stories sharing a term with the mention, in the order they are met.
    const candidates: OpenStory[] = [];
    const comparison = this.comparisons++;
    const commonWeights = this.commonWeights;
    commonWeights.clear();
    for (let at = 0; at < terms.length; at += 1) {
      const term = terms[at] as string;
      const weight = weights[at] as number;
      const holders = this.storiesWithTerm.get(term);
      const termIdf = logStories - logOf((holders?.size ?? 0) + 1);
      const mentionWeight = weight * termIdf;
      mentionNorm += mentionWeight * mentionWeight;
      if (holders === undefined) continue;
      if (holders.size > candidateLimit) {
        commonNorm += mentionWeight * mentionWeight;
        commonWeights.set(term, weight);
        continue;
      }
      for (const held of holders) {
        const story = held.story;
        if (story.overlapOf !== comparison) {
          story.overlapOf = comparison;
          story.dot = mentionWeight * held.weight * termIdf;
          story.sharedNorm = mentionWeight * mentionWeight;
          candidates.push(story);
        } else {
          story.dot += mentionWeight * held.weight * termIdf;
          story.sharedNorm += mentionWeight * mentionWeight;
        }
      }
    }
    if (mentionNorm === 0) return null;
    let best: { story: OpenStory; similarity: number } | null = null;
    for (const story of candidates) {
      // Cauchy-Schwarz: the cosine is at most the share of the mention's norm on terms the story holds. Below the
      // threshold the story cannot be joined, and the centroid's norm (the costly part) is not worth computing.
      if ((story.sharedNorm + commonNorm) / mentionNorm < this.options.joinThreshold ** 2) continue;
      let dot = story.dot;
      let storyNorm = 0;
      for (const { term, weight, holders } of story.terms.values()) {
        const storyFrequency = holders.size;
        const termIdf = logStories - logOf(storyFrequency + 1);
        storyNorm += weight * termIdf * (weight * termIdf);
        // Terms too common to find candidates still count in the similarity of a candidate.
        if (storyFrequency > candidateLimit) {
          const mentionWeight = commonWeights.get(term);
          if (mentionWeight !== undefined) dot += mentionWeight * termIdf * weight * termIdf;
        }
      }
      if (storyNorm === 0) continue;
      const similarity = dot / Math.sqrt(mentionNorm * storyNorm);
      if (best === null || similarity > best.similarity || (similarity === best.similarity && isOlder(story, best.story))) {
        best = { story, similarity };
      }
    }
    return best;
  }

  private start(mention: StoryMention, mentionTerms: TermList): OpenStory {
    const story: OpenStory = {
      id: storyId(this.brandId, mention.id),
      firstSeenAt: mention.time,
      lastSeenAt: mention.time,
      mentions: 0,
      title: '',
      titleSimilarity: -1,
      terms: new Map(),
      overlapOf: -1,
      dot: 0,
      sharedNorm: 0,
    };
    this.stories.set(story.id, story);
    this.join(story, mention, mentionTerms, 0);
    return story;
  }

  private join(story: OpenStory, mention: StoryMention, mentionTerms: TermList, similarity: number): void {
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
    const { terms, weights } = mentionTerms;
    for (let at = 0; at < terms.length; at += 1) {
      const term = terms[at] as string;
      const weight = weights[at] as number;
      const held = story.terms.get(term);
      if (held === undefined) this.addTerm(story, term, weight);
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
      else this.unindex(entry);
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
    for (const entry of story.terms.values()) this.unindex(entry);
    this.touched.delete(story.id);
    this.closed.add(story.id);
  }

  /** A new term of the story's centroid, at its end, indexed. */
  private addTerm(story: OpenStory, term: string, weight: number): void {
    let holders = this.storiesWithTerm.get(term);
    if (holders === undefined) {
      holders = new Set();
      this.storiesWithTerm.set(term, holders);
    }
    const entry: CentroidTerm = { term, weight, story, holders };
    holders.add(entry);
    story.terms.set(term, entry);
  }

  private unindex(entry: CentroidTerm): void {
    entry.holders.delete(entry);
    if (entry.holders.size === 0) this.storiesWithTerm.delete(entry.term);
  }
}

// Math.log of the story frequencies an IDF meets (at most the open stories of a brand, plus one), worked out once.
const SMALL_LOGS = Array.from({ length: DEFAULT_STORY_OPTIONS.maxOpenStories + 2 }, (_, count) => Math.log(count));

function logOf(count: number): number {
  return count < SMALL_LOGS.length ? (SMALL_LOGS[count] as number) : Math.log(count);
}

function isOlder(story: OpenStory, than: OpenStory): boolean {
  return story.firstSeenAt < than.firstSeenAt || (story.firstSeenAt === than.firstSeenAt && story.id < than.id);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
