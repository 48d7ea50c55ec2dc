// What one channel is told about one alert at one tick, Alertmanager-style: the first message waits group_wait so
// the rules of one incident arrive together; a rule joining later sends an update (at most every group_interval), a
// reminder goes every repeat_interval while something still fires (not once acknowledged), and one resolved message
// goes once every rule of the alert is calm. A channel that never heard the alert (it was silenced) is told with a
// firing message once the silence is over, and is never sent "still firing" or "resolved" about it.

export interface ChannelState {
  /** A firing message was sent (not silenced) to this channel. */
  heard: boolean;
  /** Episodes this channel has been told about. */
  namedEpisodeIds: string[];
  lastSentAtMs: number | null;
  /** Messages recorded for this channel so far (sent or silenced): numbers the next one. */
  messages: number;
  /** A firing was recorded as silenced, so the API shows why nobody was told. */
  silencedRecorded: boolean;
  /** The event id of the firing message this channel got (later messages answer it). */
  firingEventId: string | null;
}

export const NEW_CHANNEL_STATE: ChannelState = {
  heard: false,
  namedEpisodeIds: [],
  lastSentAtMs: null,
  messages: 0,
  silencedRecorded: false,
  firingEventId: null,
};

export interface ChannelView {
  /** Open, not inhibited episodes of rules routed to this channel, not silenced now; `holds` false while one calms. */
  audible: { episodeId: string; repeatIntervalMs: number; holds: boolean }[];
  /** The silence muting the routed episodes when every one of them is silenced; null otherwise. */
  silencedBy: string | null;
  /** Every episode of the alert is resolved. */
  alertResolved: boolean;
  acked: boolean;
}

export interface AlertTiming {
  openedAtMs: number;
  groupWaitMs: number;
  groupIntervalMs: number;
}

export type ChannelStep =
  | { kind: 'firing' | 'update' | 'reminder'; namedEpisodeIds: string[]; silencedBy: null }
  | { kind: 'firing'; namedEpisodeIds: string[]; silencedBy: string }
  | { kind: 'resolved'; namedEpisodeIds: string[]; silencedBy: null }
  | { kind: 'none' };

export function nextChannelStep(state: ChannelState, view: ChannelView, timing: AlertTiming, nowMs: number): ChannelStep {
  if (view.alertResolved) {
    return state.heard ? { kind: 'resolved', namedEpisodeIds: state.namedEpisodeIds, silencedBy: null } : { kind: 'none' };
  }
  const audible = view.audible.map((episode) => episode.episodeId);
  const waited = nowMs >= timing.openedAtMs + timing.groupWaitMs;
  if (!state.heard) {
    if (audible.length > 0 && waited) return { kind: 'firing', namedEpisodeIds: audible, silencedBy: null };
    if (view.silencedBy !== null && !state.silencedRecorded && waited) {
      return { kind: 'firing', namedEpisodeIds: [], silencedBy: view.silencedBy };
    }
    return { kind: 'none' };
  }
  if (audible.length === 0) return { kind: 'none' };
  const lastSentAtMs = state.lastSentAtMs ?? timing.openedAtMs;
  const named = [...state.namedEpisodeIds, ...audible.filter((id) => !state.namedEpisodeIds.includes(id))];
  const joined = audible.some((id) => !state.namedEpisodeIds.includes(id));
  if (joined && nowMs >= lastSentAtMs + timing.groupIntervalMs) return { kind: 'update', namedEpisodeIds: named, silencedBy: null };
  // "Still firing" only while something does: an episode calming down (resolve_after) is not news.
  const holding = view.audible.filter((episode) => episode.holds);
  const repeatMs = Math.min(...holding.map((episode) => episode.repeatIntervalMs));
  if (!view.acked && !joined && holding.length > 0 && nowMs >= lastSentAtMs + repeatMs) {
    return { kind: 'reminder', namedEpisodeIds: named, silencedBy: null };
  }
  return { kind: 'none' };
}

/** The channel's state once a step's message is recorded. */
export function afterChannelStep(state: ChannelState, step: Exclude<ChannelStep, { kind: 'none' }>, eventId: string, nowMs: number): ChannelState {
  const messages = state.messages + 1;
  if (step.silencedBy !== null) return { ...state, messages, silencedRecorded: true };
  return {
    heard: true,
    namedEpisodeIds: step.namedEpisodeIds,
    lastSentAtMs: nowMs,
    messages,
    silencedRecorded: state.silencedRecorded,
    firingEventId: step.kind === 'firing' ? eventId : state.firingEventId,
  };
}
