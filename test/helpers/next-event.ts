// Waiting for an event of a connection or worker that also emits errors on the way (refused or reset connections).
import type { EventEmitter } from 'node:events';

/** The next `event` of `emitter`; unlike events.once, an "error" meanwhile is no failure. */
export function nextEvent(emitter: EventEmitter, event: string): Promise<void> {
  return new Promise((resolve) => emitter.once(event, () => resolve()));
}
