// An ioredis connection that a disconnect ends in every state, also between two attempts to reconnect.
import { Redis, type RedisOptions } from 'ioredis';
// ioredis's own handler for a lost socket; the package exports no other way to end a connection that has none.
import { closeHandler } from 'ioredis/built/redis/event_handler.js';

/**
 * ioredis 5.11.1 `disconnect()` (built/Redis.js:234) on a connection waiting to reconnect (status "reconnecting": a
 * retry timer, no socket) cancels the timer and ends a socket that is already gone: no "close" or "end" event follows,
 * and the commands it holds (a worker's BZPOPMIN) never settle. BullMQ 5.81.5's `Worker.close()` disconnects its
 * blocking connection and waits for that "end" (whenCurrentJobsFinished, dist/esm/classes/worker.js:900, through
 * RedisConnection.disconnect, redis-connection.js:366), so a stop right after Redis came back, the worker's connection
 * ready and its blocking one not yet, waited out the whole grace (issue 13; upstream: taskforcesh/bullmq#4656 and
 * #4065, open). Here such a disconnect ends as one whose socket closes does: status "end", the commands held
 * rejected with "Connection is closed.", "end" emitted. For a blocking connection only: see createWorkerConnection.
 */
export class DisconnectableRedis extends Redis {
  override disconnect(reconnect = false): void {
    const waitingToReconnect = !reconnect && this.status === 'reconnecting';
    super.disconnect(reconnect);
    // super.disconnect marked the close as asked for, so the handler ends the connection instead of retrying.
    if (waitingToReconnect) closeHandler(this)();
  }

  /** A duplicate ends the same way. */
  override duplicate(override?: Partial<RedisOptions>): DisconnectableRedis {
    return new DisconnectableRedis({ ...this.options, ...override });
  }
}
