// The Server-Sent Events wire format (WHATWG HTML, "Server-sent events"): fields one per line, an event ends with a
// blank line, a line starting with ":" is a comment clients ignore.

export interface SseEvent {
  event: string;
  id: string;
  /** Sent as one `data:` line per line of text, which the client joins back with newlines. */
  data: string;
}

/** One event as written to the stream. */
export function formatSseEvent({ event, id, data }: SseEvent): string {
  const dataLines = data.split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`).join('');
  return `event: ${singleLine(event)}\nid: ${singleLine(id)}\n${dataLines}\n`;
}

/** A comment line: keeps the connection busy (and proxies from timing it out) without an event. */
export function formatSseComment(text: string): string {
  return `: ${singleLine(text)}\n\n`;
}

/** How long a client waits before reconnecting after the connection drops. */
export function formatSseRetry(milliseconds: number): string {
  return `retry: ${Math.max(0, Math.round(milliseconds))}\n\n`;
}

// A line break inside a field would end the field early and start whatever follows as a field of its own.
function singleLine(text: string): string {
  if (/[\r\n]/.test(text)) throw new Error('an SSE field other than data cannot hold a line break');
  return text;
}
