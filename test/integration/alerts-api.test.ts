// The alert history API: /v1/alerts filters and keyset pages, /v1/alerts/:id, ack, and silences, over episodes
// written by the alert store itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertEvent, AlertEventKind } from '../../src/alerts/alert-event.js';
import type { AlertRecord, BrandTickPlan, EpisodeRecord } from '../../src/alerts/brand-tick.js';
import { NEW_CHANNEL_STATE } from '../../src/alerts/channel-step.js';
import type { RuleFinding } from '../../src/alerts/rules/rule-kind.js';
import { writeBrandTick } from '../../src/store/alert-store.js';
import { inTransaction, type Database } from '../../src/store/database.js';
import { closedPort } from '../helpers/ports.js';
import { ADMIN_KEY, TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 20, 8);

const finding = (summary: string): RuleFinding => ({
  subject: '',
  holds: true,
  fresh: true,
  signalStartMs: null,
  counts: { mentions: 10, negative: 8, negativeShare: 0.8, usualNegativeShare: 0.2, matching: 8, baseline: 2, ratio: 4, sites: 5, authors: 6 },
  summary,
  figures: [],
  headline: summary,
});

function event(alertId: string, kind: AlertEventKind, brandId: string, atMs: number, startedAtMs: number): AlertEvent {
  return {
    eventId: `${alertId}-pr-slack-${kind === 'firing' ? 1 : 2}-${kind}`,
    alertId,
    kind,
    at: new Date(atMs).toISOString(),
    brand: { id: brandId, name: brandId },
    startedAt: new Date(startedAtMs).toISOString(),
    resolvedAt: kind === 'resolved' ? new Date(atMs).toISOString() : null,
    durationMs: kind === 'resolved' ? atMs - startedAtMs : null,
    rules: [],
    topSites: [],
    topAuthors: [],
    samples: [],
    inReplyTo: null,
  };
}

/** Writes an alert of one rule, firing since `openedAtMs` (resolved at `resolvedAtMs`), with the store's own writes. */
async function seedAlert(database: Database, alertId: string, ruleId: string, brandId: string, openedAtMs: number, resolvedAtMs: number | null) {
  const alert: AlertRecord = { id: alertId, key: `brand=${brandId},rule=${ruleId}`, brandId, openedAtMs, startedAtMs: openedAtMs - 600_000, acked: false, channels: new Map() };
  const episode: EpisodeRecord = {
    id: `ep-${alertId}`,
    ruleId,
    ruleType: 'negative_buzz',
    brandId,
    subject: '',
    groupId: alertId,
    status: 'firing',
    firedAtMs: openedAtMs,
    signalStartedAtMs: openedAtMs - 600_000,
    calmSinceMs: null,
    resolvedAtMs: null,
    inhibitedBy: null,
    latest: finding(`${ruleId} on ${brandId}`),
    peak: finding(`${ruleId} on ${brandId}`),
  };
  const firing = event(alertId, 'firing', brandId, openedAtMs, alert.startedAtMs);
  const write = async (nowMs: number, plan: BrandTickPlan, events: AlertEvent[]) =>
    inTransaction(database, (client) => writeBrandTick(client, { brandId, nowMs, plan, events: new Map(events.map((item) => [item.eventId, item])), memories: [] }));
  const message = (item: AlertEvent) => ({
    eventId: item.eventId,
    alertId,
    channelId: 'pr-slack',
    kind: item.kind,
    silencedBy: null,
    rules: [],
    startedAtMs: alert.startedAtMs,
    inReplyTo: null,
  });
  await write(
    openedAtMs,
    {
      openedEpisodes: [episode],
      changedEpisodes: [],
      openedAlerts: [alert],
      alertUpdates: [{ alert, resolvedAtMs: null }],
      messages: [message(firing)],
      channelStates: [{ alertId, channelId: 'pr-slack', state: { ...NEW_CHANNEL_STATE, heard: true, messages: 1 } }],
      episodeTransitions: [],
    },
    [firing],
  );
  if (resolvedAtMs === null) return;
  const resolved = event(alertId, 'resolved', brandId, resolvedAtMs, alert.startedAtMs);
  await write(
    resolvedAtMs,
    {
      openedEpisodes: [],
      changedEpisodes: [{ ...episode, status: 'resolved', resolvedAtMs, calmSinceMs: resolvedAtMs - 900_000 }],
      openedAlerts: [],
      alertUpdates: [{ alert, resolvedAtMs }],
      messages: [message(resolved)],
      channelStates: [],
      episodeTransitions: [],
    },
    [resolved],
  );
}

/** What POST /v1/silences answers: the silence, or an error. */
interface SilenceAnswer {
  data?: { id: string; rule_id: string | null; brand_id: string | null; ends_at: string; active: boolean; created_by: string };
  error?: { code: string; message: string };
}

describe('the alerts API', () => {
  let system: TestSystem;
  const ids = (body: { data: { id: string }[] }) => body.data.map((episode) => episode.id);

  beforeAll(async () => {
    const port = await closedPort();
    system = await startTestSystem({
      configYaml: `
brands:
  - { id: acme, name: Acme, keywords: [acme] }
  - { id: globex, name: Globex, keywords: [globex] }
alerts:
  rules:
    - { id: buzz, type: negative_buzz, channels: [pr-slack] }
    - { id: crisis-words, type: keyword, terms: [boycott], channels: [pr-slack] }
  channels:
    - { id: pr-slack, type: slack, url: "http://127.0.0.1:${port}/hook" }
${TEST_API_KEYS}`,
      roles: ['api'],
    });
    // ep-1 acme/buzz resolved; ep-2 globex/buzz firing; ep-3 acme/crisis-words firing; ep-4 acme/buzz firing.
    const alerts: [string, string, string, number, number | null][] = [
      ['ep-1', 'buzz', 'acme', T0, T0 + 2 * HOUR],
      ['ep-2', 'buzz', 'globex', T0 + HOUR, null],
      ['ep-3', 'crisis-words', 'acme', T0 + 3 * HOUR, null],
      ['ep-4', 'buzz', 'acme', T0 + 5 * HOUR, null],
    ];
    for (const [alertId, ruleId, brandId, openedAt, resolvedAt] of alerts) {
      await seedAlert(system.db.database, alertId, ruleId, brandId, openedAt, resolvedAt);
    }
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('lists alerts newest first with their rules and every message with its delivery', async () => {
    const { status, body } = await system.api('/v1/alerts');
    expect(status).toBe(200);
    expect(ids(body)).toEqual(['ep-4', 'ep-3', 'ep-2', 'ep-1']);
    expect(body.next_cursor).toBeNull();
    expect(body.data[3]).toEqual({
      id: 'ep-1',
      brand_id: 'acme',
      status: 'resolved',
      started_at: new Date(T0 - 600_000).toISOString(),
      opened_at: new Date(T0).toISOString(),
      resolved_at: new Date(T0 + 2 * HOUR).toISOString(),
      acked_at: null,
      acked_by: null,
      ack_comment: null,
      rules: [
        {
          episode_id: 'ep-ep-1',
          rule_id: 'buzz',
          rule_type: 'negative_buzz',
          subject: null,
          status: 'resolved',
          started_at: new Date(T0 - 600_000).toISOString(),
          fired_at: new Date(T0).toISOString(),
          calm_since: new Date(T0 + 2 * HOUR - 900_000).toISOString(),
          resolved_at: new Date(T0 + 2 * HOUR).toISOString(),
          inhibited_by: null,
          latest: {
            summary: 'buzz on acme',
            counts: { mentions: 10, negative: 8, negative_share: 0.8, usual_negative_share: 0.2, matching: 8, baseline: 2, ratio: 4, sites: 5, authors: 6 },
          },
          peak: {
            summary: 'buzz on acme',
            counts: { mentions: 10, negative: 8, negative_share: 0.8, usual_negative_share: 0.2, matching: 8, baseline: 2, ratio: 4, sites: 5, authors: 6 },
          },
        },
      ],
      notifications: [
        {
          id: 'ep-1-pr-slack-1-firing',
          channel_id: 'pr-slack',
          kind: 'firing',
          at: new Date(T0).toISOString(),
          summary: '',
          silenced_by: null,
          status: 'pending',
          attempts: 0,
          last_error: null,
          last_attempt_at: null,
          sent_at: null,
        },
        {
          id: 'ep-1-pr-slack-2-resolved',
          channel_id: 'pr-slack',
          kind: 'resolved',
          at: new Date(T0 + 2 * HOUR).toISOString(),
          summary: '',
          silenced_by: null,
          status: 'pending',
          attempts: 0,
          last_error: null,
          last_attempt_at: null,
          sent_at: null,
        },
      ],
    });
  });

  it.each([
    ['?brand=globex', ['ep-2']],
    ['?rule=crisis-words', ['ep-3']],
    ['?status=resolved', ['ep-1']],
    ['?status=firing&brand=acme', ['ep-4', 'ep-3']],
    // Active since then: started since (ep-3, ep-4), or still firing though older (ep-2); ep-1 ended before.
    [`?since=${new Date(T0 + 2.5 * HOUR).toISOString()}`, ['ep-4', 'ep-3', 'ep-2']],
    [`?since=${new Date(T0 + 1.5 * HOUR).toISOString()}`, ['ep-4', 'ep-3', 'ep-2', 'ep-1']],
  ])('filters %s', async (query, expected) => {
    const { status, body } = await system.api(`/v1/alerts${query}`);
    expect(status).toBe(200);
    expect(ids(body)).toEqual(expected);
  });

  it('pages with a cursor, each episode once', async () => {
    const first = await system.api('/v1/alerts?limit=3');
    expect(ids(first.body)).toEqual(['ep-4', 'ep-3', 'ep-2']);
    const second = await system.api(`/v1/alerts?limit=3&cursor=${first.body.next_cursor}`);
    expect(ids(second.body)).toEqual(['ep-1']);
    expect(second.body.next_cursor).toBeNull();
  });

  it.each([
    ['/v1/alerts?status=open', 400, 'BUZZ_ERR_VALIDATION'],
    ['/v1/alerts?cursor=nonsense', 400, 'BUZZ_ERR_INVALID_CURSOR'],
    ['/v1/alerts?since=yesterday', 400, 'BUZZ_ERR_VALIDATION'],
    ['/v1/alerts/ep-9', 404, 'BUZZ_ERR_NOT_FOUND'],
  ])('answers %s with %i %s', async (path, status, code) => {
    const answer = await system.api(path);
    expect(answer.status).toBe(status);
    expect(answer.body.error.code).toBe(code);
  });

  it('names the statuses there are when ?status= is none of them', async () => {
    // Not "querystring.status must be equal to constant; querystring.status must match a schema in anyOf".
    expect((await system.api('/v1/alerts?status=open')).body.error.message).toBe('querystring.status must be one of firing, resolved');
  });

  it('acknowledges with an admin key only, with or without a comment', async () => {
    expect((await system.api('/v1/alerts/ep-4/ack', { method: 'POST' })).status).toBe(403);
    expect((await system.api('/v1/alerts/ep-9/ack', { key: ADMIN_KEY, method: 'POST' })).status).toBe(404);
    const ack = await system.api('/v1/alerts/ep-4/ack', { key: ADMIN_KEY, method: 'POST' });
    expect(ack.status).toBe(200);
    expect(ack.body.data).toMatchObject({ id: 'ep-4', acked_by: 'admin', ack_comment: null, status: 'firing' });
    expect((await system.api('/v1/alerts/ep-4')).body.data.acked_at).toBe(ack.body.data.acked_at);
    const withComment = await fetch(`${system.baseUrl}/v1/alerts/ep-3/ack`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ comment: 'legal is looking at it' }),
    });
    expect(withComment.status).toBe(200);
    expect(((await withComment.json()) as { data: unknown }).data).toMatchObject({ id: 'ep-3', acked_by: 'admin', ack_comment: 'legal is looking at it' });
    const tooLong = await fetch(`${system.baseUrl}/v1/alerts/ep-2/ack`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ comment: 'x'.repeat(2001) }),
    });
    expect(tooLong.status).toBe(400);
    // The refusal names the comment and nothing else (not "body must be null; body must match a schema in anyOf").
    expect(((await tooLong.json()) as { error: { message: string } }).error.message).toBe('body.comment must NOT have more than 2000 characters');
    const refusal = async (body: string) => {
      const response = await fetch(`${system.baseUrl}/v1/alerts/ep-2/ack`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body,
      });
      return { status: response.status, message: ((await response.json()) as { error: { message: string } }).error.message };
    };
    expect(await refusal('{"comment":""}')).toEqual({ status: 400, message: 'body.comment must NOT have fewer than 1 characters' });
    expect(await refusal('{"coment":"typo"}')).toEqual({ status: 400, message: 'body.coment is not a known field' });
    expect(await refusal('[1]')).toEqual({ status: 400, message: 'body must be object' });
    expect((await system.api('/v1/alerts/ep-2')).body.data.acked_at).toBeNull();
    // A JSON null is no comment, as an empty body is.
    const nullBody = await fetch(`${system.baseUrl}/v1/alerts/ep-2/ack`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: 'null',
    });
    expect(nullBody.status).toBe(200);
    expect(((await nullBody.json()) as { data: unknown }).data).toMatchObject({ id: 'ep-2', acked_by: 'admin', ack_comment: null });
  });

  it('creates, lists and ends silences, refusing what cannot be one', async () => {
    const post = async (body: unknown, key: string | null = ADMIN_KEY) => {
      const response = await fetch(`${system.baseUrl}/v1/silences`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as SilenceAnswer };
    };
    const endsAt = new Date(Date.now() + HOUR).toISOString();
    expect((await post({ brand: 'acme', ends_at: endsAt, comment: 'x' }, 'test-read-key-0123456789')).status).toBe(403);
    const unknownBrand = await post({ brand: 'acne', ends_at: endsAt, comment: 'typo' });
    expect(unknownBrand).toMatchObject({ status: 400, body: { error: { code: 'BUZZ_ERR_VALIDATION', message: 'brand: "acne" is not configured (known: acme, globex)' } } });
    const past = await post({ ends_at: new Date(Date.now() - HOUR).toISOString(), comment: 'too late' });
    expect(past).toMatchObject({ status: 400, body: { error: { message: 'ends_at: must be in the future and after starts_at' } } });
    // A span such as "2h" counts back from now in query parameters: as an end it is refused for what it is, and a
    // time that does not parse is not answered with help suggesting one.
    const span = await post({ ends_at: '2h', comment: 'for two hours' });
    expect(span).toMatchObject({
      status: 400,
      body: { error: { message: 'ends_at must be an ISO 8601 time with a zone (2026-11-01T09:30:00Z) or a date (2026-11-01, its midnight UTC), not a span (got "2h")' } },
    });
    const unreadable = await post({ starts_at: 'now', ends_at: endsAt, comment: 'x' });
    expect(unreadable).toMatchObject({
      status: 400,
      body: { error: { message: 'starts_at must be an ISO 8601 time with a zone (2026-11-01T09:30:00Z) or a date (2026-11-01, its midnight UTC) (got "now")' } },
    });
    const noComment = await post({ ends_at: endsAt });
    expect(noComment.status).toBe(400);
    const created = await post({ rule: 'buzz', ends_at: endsAt, comment: 'known issue, fix shipping' });
    expect(created).toMatchObject({ status: 201, body: { data: { rule_id: 'buzz', brand_id: null, ends_at: endsAt, active: true, created_by: 'admin' } } });
    const id = created.body.data?.id ?? '';
    expect((await system.api('/v1/silences')).body.data.map((silence: { id: string }) => silence.id)).toEqual([id]);
    const ended = await fetch(`${system.baseUrl}/v1/silences/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(ended.status).toBe(204);
    expect((await system.api('/v1/silences')).body.data).toEqual([]);
    const again = await fetch(`${system.baseUrl}/v1/silences/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(again.status).toBe(404);
  });
});
