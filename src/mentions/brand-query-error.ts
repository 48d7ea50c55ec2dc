// The error a brand query with a syntax mistake throws: what was wrong and where (a 1-based column).

export class QuerySyntaxError extends Error {
  /** What is wrong, without the position. */
  readonly reason: string;
  /** 1-based column (in characters) of the mistake; null when it is about the query as a whole. */
  readonly position: number | null;

  constructor(reason: string, position: number | null) {
    super(position === null ? reason : `${reason} at position ${position}`);
    this.name = 'QuerySyntaxError';
    this.reason = reason;
    this.position = position;
  }
}
