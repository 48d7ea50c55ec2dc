// Checks a story id from a path or query string before it reaches SQL: a malformed one is the client's error (400).
import { STORY_ID_PATTERN } from '../stories/story-id.js';
import { ApiError, ErrorCode } from './errors.js';

export function checkStoryId(value: string, name: string): string {
  if (!STORY_ID_PATTERN.test(value)) {
    throw new ApiError(ErrorCode.validation, `${name} must be a story id (24 hexadecimal digits), got ${JSON.stringify(value.slice(0, 100))}`);
  }
  return value;
}
