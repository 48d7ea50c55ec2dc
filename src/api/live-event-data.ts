// The data of each live event (GET /v1/stream): a mention exactly as an item of GET /v1/mentions (?brand= the
// stream's brand), an alert exactly as the `data` of GET /v1/alerts/:id, read with the same queries and serialisers
// as those routes, one round of queries per batch of events.
import type { RenderLiveEvents, RenderedLiveEvents } from '../live/live-hub.js';
import { findAlerts } from '../store/alert-queries.js';
import type { Database } from '../store/database.js';
import { findMentions } from '../store/mention-queries.js';
import { serializeMention } from './routes/mentions.js';

export function liveEventRenderer(database: Database): RenderLiveEvents {
  return async (events) => {
    const idsOf = (kind: 'mention' | 'alert') => events.filter((event) => event.kind === kind).map((event) => event.subjectId);
    const [mentions, alerts] = await Promise.all([findMentions(database, idsOf('mention')), findAlerts(database, idsOf('alert'))]);
    const mentionById = new Map(mentions.map((mention) => [mention.id, mention]));
    const alertJsonById = new Map(alerts.map((alert) => [alert.id, JSON.stringify(alert)]));
    const rendered: RenderedLiveEvents = new Map();
    for (const event of events) {
      if (event.kind === 'alert') {
        const json = alertJsonById.get(event.subjectId) ?? null;
        rendered.set(event.eventId, () => json);
        continue;
      }
      const mention = mentionById.get(event.subjectId);
      if (mention === undefined) {
        rendered.set(event.eventId, () => null);
        continue;
      }
      // Its story_id depends on the brand a client follows; each variant is serialised once for all such clients.
      const jsonByBrand = new Map<string | undefined, string>();
      rendered.set(event.eventId, (brandId) => {
        let json = jsonByBrand.get(brandId);
        if (json === undefined) {
          json = JSON.stringify(serializeMention(mention, brandId === undefined ? {} : { brand: brandId }));
          jsonByBrand.set(brandId, json);
        }
        return json;
      });
    }
    return rendered;
  };
}
