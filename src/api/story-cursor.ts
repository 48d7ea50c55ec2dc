// Opaque cursors of GET /v1/stories: base64url of the sort, the last story's sort value and its id. A cursor is
// checked against what this API hands out before it reaches SQL: a forged time outside PostgreSQL's range, a count
// beyond an integer column or an id with a NUL would otherwise make PostgreSQL refuse the query (a 500).
import type { StoryPosition, StorySort } from '../store/story-queries.js';
import { STORY_ID_PATTERN } from '../stories/story-id.js';
import { ApiError, ErrorCode } from './errors.js';
import { isStorableTime } from './storable-time.js';

/** The largest value of the stories table's integer columns (mentions, sites). */
const MAX_COUNT = 2_147_483_647;

export function encodeStoryCursor(position: StoryPosition): string {
  return Buffer.from(JSON.stringify([position.sort, position.value, position.id])).toString('base64url');
}

/** Whether a sort value could have come from a story: a storable time (recent) or a count (spread, size). */
function isIssuedValue(sort: StorySort, value: number): boolean {
  return sort === 'recent' ? Number.isInteger(value) && isStorableTime(value) : Number.isInteger(value) && value >= 0 && value <= MAX_COUNT;
}

export function decodeStoryCursor(cursor: string, sort: StorySort): StoryPosition {
  try {
    const [cursorSort, value, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (cursorSort === sort && typeof value === 'number' && isIssuedValue(sort, value) && typeof id === 'string' && STORY_ID_PATTERN.test(id)) {
      return { sort, value, id };
    }
  } catch {
    // fall through to the error below
  }
  throw new ApiError(ErrorCode.invalidCursor, `cursor is not one this API returned for sort=${sort}; start again without it`);
}
