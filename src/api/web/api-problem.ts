// What a failed call to the API becomes: a message a person can act on, the status, the API's error code. Apart from
// api-client.ts (which needs the browser's session storage) so that code running in Node too can tell them apart.
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  constructor(
    message: string,
    /** HTTP status, or 0 when the API could not be reached at all. */
    readonly status: number,
    readonly code: string | null = null,
  ) {
    super(message);
  }
  /** The key was refused: the person must sign in again. */
  get signedOut(): boolean {
    return this.status === 401;
  }
}
