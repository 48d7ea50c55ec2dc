// The outbound webhook's exact JSON for a message the alerter built (real rules, buildAlertEvent), and every message
// of the fixture checked against the published JSON Schema file, which must be what the code declares.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { fixtureMessages, messageTo } from '../../../test/fixtures/alert-events.js';
import { WEBHOOK_SCHEMA_FILE, webhookPayload, webhookSchemaJson } from './webhook-payload.js';

const publishedSchema: object = JSON.parse(readFileSync(WEBHOOK_SCHEMA_FILE, 'utf8'));

function validator() {
  const ajv = new Ajv({ strict: true, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(publishedSchema);
}

const figures = (...pairs: [string, string][]) => pairs.map(([label, value]) => ({ label, value }));

describe('webhookPayload', async () => {
  const messages = await fixtureMessages();
  const everyMessage = [...messages.firing, ...messages.update, ...messages.reminder, ...messages.resolved];

  it('sends the update of a two-rule alert in snake_case, the joining rule marked, answering the firing', () => {
    expect(webhookPayload(messageTo(messages, 'update', 'pr-email'))).toEqual({
      type: 'buzzwatch.alert',
      version: 2,
      event: {
        event_id: 'al_40bb0d11dc51f8a3ef9e-pr-email-2-update',
        alert_id: 'al_40bb0d11dc51f8a3ef9e',
        kind: 'update',
        at: '2026-03-04T14:30:00.000Z',
        brand: { id: 'acme', name: 'Acme <script>& Co' },
        started_at: '2026-03-04T14:00:00.000Z',
        resolved_at: null,
        duration_ms: null,
        rules: [
          {
            rule_id: 'acme-negative-buzz',
            rule_type: 'negative_buzz',
            title: 'Negative buzz',
            status: 'firing',
            is_new: false,
            summary: '13 negative mentions in the last hour, from 7 sites',
            figures: figures(['Negative mentions', '13'], ['All mentions', '13'], ['Negative share', '100%'], ['Sites', '7'], ['Authors', '6']),
            counts: { mentions: 13, negative: 13, negative_share: 1, usual_negative_share: null, matching: 13, baseline: null, ratio: null, sites: 7, authors: 6 },
            window_ms: 3_600_000,
            started_at: '2026-03-04T14:00:00.000Z',
            resolved_at: null,
          },
          {
            rule_id: 'acme-crisis-words',
            rule_type: 'keyword',
            title: 'Keyword alert',
            status: 'firing',
            is_new: true,
            summary: '1 mention in the last hour matching "boycott", from 1 site',
            figures: figures(['Matching mentions', '1'], ['Terms', '"boycott" (1)'], ['Sites', '1'], ['Authors', '1'], ['All mentions', '13']),
            counts: { mentions: 13, negative: 13, negative_share: 1, usual_negative_share: null, matching: 1, baseline: null, ratio: null, sites: 1, authors: 1 },
            window_ms: 3_600_000,
            started_at: '2026-03-04T14:28:00.000Z',
            resolved_at: null,
          },
        ],
        top_sites: [
          { name: 'site0.example', count: 3 },
          { name: 'site1.example', count: 3 },
          { name: 'site2.example', count: 2 },
          { name: 'site3.example', count: 2 },
          { name: 'blog.example', count: 1 },
        ],
        top_authors: [
          { name: 'author0', count: 3 },
          { name: 'author1', count: 3 },
          { name: 'author2', count: 2 },
          { name: 'author3', count: 2 },
          { name: 'Jane <jane@news.example>', count: 1 },
        ],
        samples: [
          {
            mention_id: 'm20',
            url: 'https://site1.example/acme/boycott',
            title: 'Boycott Acme',
            snippet: 'Time to boycott Acme & everything it sells.',
            author: 'author1',
            source_id: 'hook',
            site: 'site1.example',
            sentiment: 'negative',
            sentiment_score: -0.9,
            reach: null,
            published_at: '2026-03-04T14:28:00.000Z',
          },
          {
            mention_id: 'm1',
            url: 'https://news.example/acme?id=1&ref=<feed>|x',
            title: '<script>alert(1)</script> & Acme recall',
            snippet: 'Acme & its <b>recall</b>: <!channel> see <@U123>',
            author: 'Jane <jane@news.example>',
            source_id: 'hook',
            site: 'news.example',
            sentiment: 'negative',
            sentiment_score: -0.8213,
            reach: 12_000,
            published_at: '2026-03-04T14:15:00.000Z',
          },
          {
            mention_id: 'm2',
            url: null,
            title: null,
            snippet: 'Never again & again, Acme',
            author: null,
            source_id: 'forum',
            site: 'forum',
            sentiment: 'negative',
            sentiment_score: -0.75,
            reach: null,
            published_at: '2026-03-04T14:16:00.000Z',
          },
        ],
        in_reply_to: 'al_40bb0d11dc51f8a3ef9e-pr-email-1-firing',
      },
    });
  });

  it('publishes the schema the code declares (npm run schema:webhook writes it)', () => {
    expect(readFileSync(WEBHOOK_SCHEMA_FILE, 'utf8')).toBe(webhookSchemaJson());
  });

  it('sends payloads that the published schema accepts, every kind of message', () => {
    const validate = validator();
    expect(everyMessage.map((event) => event.kind).sort()).toEqual(['firing', 'firing', 'reminder', 'reminder', 'resolved', 'resolved', 'update', 'update']);
    for (const event of everyMessage) {
      const valid = validate(JSON.parse(JSON.stringify(webhookPayload(event))));
      expect({ eventId: event.eventId, errors: validate.errors ?? null, valid }).toEqual({ eventId: event.eventId, errors: null, valid: true });
    }
  });

  it('is a schema that refuses what we do not send: camelCase keys, an unknown kind', () => {
    const validate = validator();
    const payload = JSON.parse(JSON.stringify(webhookPayload(messageTo(messages, 'firing', 'pr-slack'))));
    payload.event.samples[0].mentionId = payload.event.samples[0].mention_id;
    expect(validate(payload)).toBe(false);
    expect(validate.errors?.map((error) => [error.instancePath, error.message])).toEqual([
      ['/event/samples/0', 'must NOT have additional properties'],
    ]);
    const wrongKind = JSON.parse(JSON.stringify(webhookPayload(messageTo(messages, 'firing', 'pr-slack'))));
    wrongKind.event.kind = 'escalated';
    expect(validate(wrongKind)).toBe(false);
  });
});
