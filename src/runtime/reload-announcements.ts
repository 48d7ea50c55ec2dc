// A config reload asked of one process (POST /v1/admin/reload reaches one API) announced to every other process of
// the installation through Redis pub/sub, so that pollers, scorers and alerters on other hosts re-read their config
// too. Each process reads its own copy of the file: the announcement carries no config, only who sent it.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface ReloadAnnouncements {
  /** Tells the other processes to reload (after this one reloaded successfully). */
  announce(): Promise<void>;
  close(): void;
}

export function reloadChannel(queuePrefix: string): string {
  return `${queuePrefix}:config-reload`;
}

/**
 * Subscribes to the installation's reload channel (its own connection: a subscribed connection can do nothing else)
 * and calls `onAnnounced` for every announcement another process makes.
 */
export async function listenForReloads(options: {
  redisUrl: string;
  publisher: Redis;
  queuePrefix: string;
  logger: Logger;
  onAnnounced: () => void;
}): Promise<ReloadAnnouncements> {
  const self = randomUUID();
  const channel = reloadChannel(options.queuePrefix);
  // ioredis's own resubscription after a reconnect leaves its promise unhandled (an unhandled rejection when the
  // connection drops again meanwhile): this connection resubscribes itself, on every 'ready'.
  const subscriber = new Redis(options.redisUrl, { maxRetriesPerRequest: null, connectTimeout: 5_000, autoResubscribe: false });
  // Its errors are the same outage every other connection reports.
  subscriber.on('error', () => undefined);
  subscriber.on('message', (_channel: string, sender: string) => {
    if (sender !== self) options.onAnnounced();
  });
  subscriber.on('ready', () => {
    subscriber.subscribe(channel).catch(() => undefined);
  });
  await subscriber.subscribe(channel);
  return {
    async announce() {
      const listeners = await options.publisher.publish(channel, self);
      options.logger.info({ processes: Math.max(0, listeners - 1) }, 'config reload announced to the other processes');
    },
    close() {
      subscriber.disconnect();
    },
  };
}
