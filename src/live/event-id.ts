// Live event ids are Redis stream entry ids ("<milliseconds>-<sequence>"): increasing, and what a client sends back
// (Last-Event-ID) to resume. Clients treat them as opaque; the server checks them before Redis sees them.
const EVENT_ID = /^(\d{1,15})-(\d{1,15})$/;

/** The id a client sent, or null when it is not one this server gave out (a stale or made-up value). */
export function parseEventId(text: string | undefined): string | null {
  if (text === undefined) return null;
  const trimmed = text.trim();
  return EVENT_ID.test(trimmed) ? trimmed : null;
}

/** Negative when `a` came before `b`, zero when equal, positive after (both valid ids). */
export function compareEventIds(a: string, b: string): number {
  const [aMs, aSeq] = parts(a);
  const [bMs, bSeq] = parts(b);
  return aMs !== bMs ? Math.sign(aMs - bMs) : Math.sign(aSeq - bSeq);
}

function parts(id: string): [number, number] {
  const match = EVENT_ID.exec(id);
  if (match === null) throw new Error(`not a live event id: ${JSON.stringify(id)}`);
  return [Number(match[1]), Number(match[2])];
}
