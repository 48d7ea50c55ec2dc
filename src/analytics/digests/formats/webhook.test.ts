// The published digest webhook schema is exactly what the code declares (npm run schema:webhook writes it).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DIGEST_SCHEMA_FILE, digestSchemaJson } from './webhook.js';

describe('digest-webhook.schema.json', () => {
  it('is the schema the code declares', () => {
    expect(readFileSync(DIGEST_SCHEMA_FILE, 'utf8')).toBe(digestSchemaJson());
  });
});
