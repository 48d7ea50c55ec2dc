// A feed thread (see feed-parsing-thread.ts): reads the one fetched feed it was started with and answers with its
// items (the first request.maxItems), ITEMS_PER_ANSWER at a time (the next when asked), or with the SourceError that
// reading it gave.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { newestItems, ITEMS_PER_ANSWER, type FeedItems, type FeedThreadAnswer, type FeedThreadRequest } from './feed-parsing-thread.js';
import { parseFeedItems } from './rss.js';
import { toSourceError } from './source-error.js';

const port = parentPort;
if (port === null) throw new Error('feed-thread.ts runs as a worker thread');
const request = workerData as FeedThreadRequest;
const headers = new Headers();
if (request.contentType !== null) headers.set('content-type', request.contentType);

try {
  const items = await parseFeedItems({ status: request.status, url: request.url, headers, body: Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength) });
  answerInSlices(port, newestItems(items, request.maxItems));
} catch (error) {
  const { kind, message, retryAfterMs } = toSourceError(error);
  port.postMessage({ error: { kind, message, retryAfterMs } } satisfies FeedThreadAnswer);
}

function answerInSlices(to: MessagePort, { items, leftOut }: FeedItems): void {
  let sent = 0;
  const sendNext = () => {
    const slice = items.slice(sent, sent + ITEMS_PER_ANSWER);
    sent += slice.length;
    to.postMessage({ items: slice, more: sent < items.length, leftOut } satisfies FeedThreadAnswer);
  };
  to.on('message', sendNext);
  sendNext();
}
