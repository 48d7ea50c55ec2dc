// Stops a BullMQ worker for a graceful shutdown without ever hanging on a Redis that is gone.
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * Lets the active jobs finish while Redis answers; with Redis gone (or once `graceMs` has passed) closes at once.
 * A job cut off that way loses nothing: its lock expires and another worker takes it over.
 */
export async function closeWorker(worker: Worker, connection: Redis, graceMs: number): Promise<void> {
  if (await redisAnswers(connection)) {
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'give up'>((resolve) => {
      timer = setTimeout(() => resolve('give up'), graceMs);
    });
    // Redis may die while we wait (or just before, unnoticed yet): a graceful close would then wait for a blocking
    // command that never returns, so losing the connection ends the grace too.
    const onConnectionLost = (resolve: (outcome: 'give up') => void) => () => resolve('give up');
    let lost: (() => void) | undefined;
    const connectionLost = new Promise<'give up'>((resolve) => {
      lost = onConnectionLost(resolve);
      connection.once('close', lost);
      connection.once('end', lost);
    });
    const outcome = await Promise.race([worker.close(), graceOver, connectionLost]);
    clearTimeout(timer);
    if (lost !== undefined) {
      connection.off('close', lost);
      connection.off('end', lost);
    }
    if (outcome !== 'give up') {
      connection.disconnect();
      return;
    }
  }
  await worker.close(true);
  connection.disconnect();
}

/** How long a stopping worker asks Redis whether it is still there before closing without waiting for its jobs. */
const PING_TIMEOUT_MS = 1_000;

// A connection can look "ready" for a moment after its server died (the socket's close not yet noticed); asking is
// the only sure way to know whether waiting for the active jobs can end.
async function redisAnswers(connection: Redis): Promise<boolean> {
  if (connection.status !== 'ready') return false;
  let timer: NodeJS.Timeout | undefined;
  const silence = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
  });
  const answer = connection.ping().then(
    () => true,
    () => false,
  );
  const answered = await Promise.race([answer, silence]);
  clearTimeout(timer);
  return answered;
}
