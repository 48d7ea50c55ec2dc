// Writes the outbound alert webhook's JSON Schema from its TypeBox definition, so the published file never drifts
// from what is sent (a unit test compares them). Usage: npm run schema:webhook
import { writeFileSync } from 'node:fs';
import { WEBHOOK_SCHEMA_FILE, webhookSchemaJson } from '../src/alerts/notifiers/webhook-payload.js';

writeFileSync(WEBHOOK_SCHEMA_FILE, webhookSchemaJson());
console.log(`wrote ${WEBHOOK_SCHEMA_FILE}`);
