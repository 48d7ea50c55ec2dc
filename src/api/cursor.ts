// Opaque page cursors: base64url of the last row's position, so clients cannot depend on what is inside.
import type { MentionPosition } from '../store/mention-queries.js';
import { ApiError, ErrorCode } from './errors.js';
import { isStorableTime } from './storable-time.js';

// Ids this API hands out (mention hashes, episode ids) are short and plain; anything else was not issued here and
// could hold what PostgreSQL refuses (a NUL).
const ISSUED_ID = /^[A-Za-z0-9_.:-]{1,200}$/;

export function encodeCursor(position: MentionPosition): string {
  return Buffer.from(JSON.stringify([position.occurredAt.toISOString(), position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): MentionPosition {
  try {
    const [occurredAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const time = typeof occurredAt === 'string' ? new Date(occurredAt).getTime() : NaN;
    if (isStorableTime(time) && typeof id === 'string' && ISSUED_ID.test(id)) {
      return { occurredAt: new Date(time), id };
    }
  } catch {
    // fall through to the error below
  }
  throw new ApiError(ErrorCode.invalidCursor, 'cursor is not one this API returned; start again without it');
}
