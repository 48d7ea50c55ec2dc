// The Redis key prefix in force. The default became "{buzzwatch}" (a Redis Cluster hash tag, so that every key of
// an installation lands in one slot, as BullMQ's scripts need); an installation whose queues still live under the
// old "buzzwatch" prefix keeps using it, so that no queued job is stranded by an upgrade.
import type { Redis } from 'ioredis';
import { DEFAULT_QUEUE_PREFIX, LEGACY_QUEUE_PREFIX } from '../runtime/settings.js';
import { QueueName } from './queues.js';

export interface ResolvedPrefix {
  prefix: string;
  /** True when the old prefix was kept because its queues hold data and the new one holds none. */
  legacy: boolean;
}

export async function resolveQueuePrefix(redis: Redis, configured: string): Promise<ResolvedPrefix> {
  if (configured !== DEFAULT_QUEUE_PREFIX) return { prefix: configured, legacy: false };
  // One EXISTS per key: on a cluster, keys of different slots cannot share a command.
  const anyQueueUnder = async (prefix: string) => {
    for (const name of Object.values(QueueName)) if ((await redis.exists(`${prefix}:${name}:meta`)) > 0) return true;
    return false;
  };
  if ((await anyQueueUnder(LEGACY_QUEUE_PREFIX)) && !(await anyQueueUnder(DEFAULT_QUEUE_PREFIX))) {
    return { prefix: LEGACY_QUEUE_PREFIX, legacy: true };
  }
  return { prefix: DEFAULT_QUEUE_PREFIX, legacy: false };
}
