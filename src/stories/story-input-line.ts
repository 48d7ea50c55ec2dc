// One input line of `buzzwatch stories`: {"id","title","text"?,"url","site"?,"published_at","brand"?}, checked
// field by field so that a bad line is reported with what is wrong in it.
import type { StoryMention } from './brand-stories.js';

/** Lines without a "brand" all belong to this one. */
export const DEFAULT_STORY_BRAND = 'default';

export interface StoryInput {
  brandId: string;
  mention: StoryMention;
}

export class StoryInputError extends Error {
  override readonly name = 'StoryInputError';
}

export function parseStoryInputLine(line: string): StoryInput {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new StoryInputError(`not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new StoryInputError('not a JSON object');
  const row = value as Record<string, unknown>;
  const id = requiredString(row, 'id');
  const title = optionalString(row, 'title');
  const text = optionalString(row, 'text');
  const url = optionalString(row, 'url');
  optionalString(row, 'site');
  const brand = optionalString(row, 'brand');
  const publishedAt = requiredString(row, 'published_at');
  const time = Date.parse(publishedAt);
  if (Number.isNaN(time)) throw new StoryInputError(`"published_at" is not an ISO 8601 time: ${JSON.stringify(publishedAt)}`);
  return { brandId: brand ?? DEFAULT_STORY_BRAND, mention: { id, time, title, text, url } };
}

function requiredString(row: Record<string, unknown>, field: string): string {
  const value = row[field];
  if (typeof value !== 'string' || value === '') throw new StoryInputError(`"${field}" must be a non-empty string`);
  return value;
}

function optionalString(row: Record<string, unknown>, field: string): string | null {
  const value = row[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new StoryInputError(`"${field}" must be a string`);
  return value;
}
