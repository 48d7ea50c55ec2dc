// Which alerts a brand's tick changed in a way someone watching would want to know at once (GET /v1/stream): opened,
// resolved, started earlier, a rule joined or calmed or resolved or was muted, a message was decided. A tick that
// only refreshes the figures of held rules (every tick of a firing alert) is not a change here: announcing each would
// send every firing alert to every dashboard at every tick.
import type { AlertRecord, BrandTickPlan, EpisodeRecord } from './brand-tick.js';

export function changedAlerts(
  plan: BrandTickPlan,
  before: { alerts: readonly AlertRecord[]; episodes: readonly EpisodeRecord[] },
): { alertId: string; brandId: string }[] {
  const alertBefore = new Map(before.alerts.map((alert) => [alert.id, alert]));
  const episodeBefore = new Map(before.episodes.map((episode) => [episode.id, episode]));
  const brandOf = new Map<string, string>();
  for (const alert of [...plan.openedAlerts, ...plan.alertUpdates.map((update) => update.alert)]) brandOf.set(alert.id, alert.brandId);
  const changed = new Set<string>();
  for (const alert of plan.openedAlerts) changed.add(alert.id);
  for (const { alert, resolvedAtMs } of plan.alertUpdates) {
    if (resolvedAtMs !== null || alertBefore.get(alert.id)?.startedAtMs !== alert.startedAtMs) changed.add(alert.id);
  }
  for (const episode of plan.openedEpisodes) changed.add(episode.groupId);
  for (const episode of plan.changedEpisodes) {
    const earlier = episodeBefore.get(episode.id);
    const stateChanged =
      earlier === undefined ||
      earlier.status !== episode.status ||
      earlier.calmSinceMs !== episode.calmSinceMs ||
      earlier.inhibitedBy !== episode.inhibitedBy;
    if (stateChanged) changed.add(episode.groupId);
  }
  for (const message of plan.messages) changed.add(message.alertId);
  const brandOfEpisodeGroup = new Map([...plan.openedEpisodes, ...plan.changedEpisodes].map((episode) => [episode.groupId, episode.brandId]));
  return [...changed].map((alertId) => ({ alertId, brandId: brandOf.get(alertId) ?? brandOfEpisodeGroup.get(alertId) ?? '' })).filter((alert) => alert.brandId !== '');
}
