// Results of a search API that are not in the shape the API documents (a number where a string belongs, a missing
// URL), left out of a poll one by one. One such result used to fail the whole poll, and the cursor could not move
// past it, so the search stayed stuck until the result left the API's window; now the others are stored, the cursor
// moves, and the reasons are summarised once per poll (source health's last_warning, one log line), bounded however
// many results are off.
export const SKIPPED_REASONS_KEPT = 3;

export class SkippedResults {
  private total = 0;
  private inShape = 0;
  private readonly reasons: string[] = [];

  /** Counts results that were in shape, to tell one bad result from an API that changed (see allSkipped). */
  kept(count: number): void {
    this.inShape += count;
  }

  /** Every result the poll was sent was off: the API has changed, and the poll fails (keeping its cursor). */
  get allSkipped(): boolean {
    return this.total > 0 && this.inShape === 0;
  }

  /** `reason` names the result and its field: `hits[3].title: expected string`. */
  add(reason: string): void {
    this.total++;
    if (this.reasons.length < SKIPPED_REASONS_KEPT) this.reasons.push(reason);
  }

  get count(): number {
    return this.total;
  }

  /** The first reasons kept, in the order they came. */
  get firstReasons(): readonly string[] {
    return this.reasons;
  }

  /** One line for users, or null when nothing was skipped. */
  summary(): string | null {
    if (this.total === 0) return null;
    const more = this.total - this.reasons.length;
    const noun = this.total === 1 ? 'result' : 'results';
    return `skipped ${this.total} ${noun} not in the shape the API documents: ${this.reasons.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
  }
}
