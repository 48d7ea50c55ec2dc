// Opaque page cursors: base64url of the last row's position, so clients cannot depend on what is inside.
import type { MentionPosition } from '../store/mention-queries.js';
import { ApiError, ErrorCode } from './errors.js';

export function encodeCursor(position: MentionPosition): string {
  return Buffer.from(JSON.stringify([position.occurredAt.toISOString(), position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): MentionPosition {
  try {
    const [occurredAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const time = typeof occurredAt === 'string' ? new Date(occurredAt) : null;
    if (time !== null && !Number.isNaN(time.getTime()) && typeof id === 'string' && id !== '') {
      return { occurredAt: time, id };
    }
  } catch {
    // fall through to the error below
  }
  throw new ApiError(ErrorCode.invalidCursor, 'cursor is not one this API returned; start again without it');
}
