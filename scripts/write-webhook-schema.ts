// Writes the outbound alert and digest webhooks' JSON Schemas from their TypeBox definitions, so the published files
// never drift from what is sent (unit tests compare them). Usage: npm run schema:webhook
import { writeFileSync } from 'node:fs';
import { WEBHOOK_SCHEMA_FILE, webhookSchemaJson } from '../src/alerts/notifiers/webhook-payload.js';
import { DIGEST_SCHEMA_FILE, digestSchemaJson } from '../src/analytics/digests/formats/webhook.js';

for (const [file, json] of [
  [WEBHOOK_SCHEMA_FILE, webhookSchemaJson()],
  [DIGEST_SCHEMA_FILE, digestSchemaJson()],
] as const) {
  writeFileSync(file, json);
  console.log(`wrote ${file}`);
}
