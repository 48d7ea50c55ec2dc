// Mention ids are content-derived so that re-polls, redeliveries and the same story in two feeds collapse into one row.
import { createHash } from 'node:crypto';

export function mentionId(canonicalPermalink: string | null, sourceType: string, externalId: string | null): string {
  const identity = canonicalPermalink !== null ? `url:${canonicalPermalink}` : `ext:${sourceType}:${externalId ?? ''}`;
  return createHash('sha256').update(identity).digest('hex').slice(0, 32);
}
