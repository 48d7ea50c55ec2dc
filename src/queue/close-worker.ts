// Stops a BullMQ worker for a graceful shutdown without ever hanging on a Redis that is gone.
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { gracePeriod } from '../runtime/grace-period.js';

export interface ClosingWorker {
  worker: Worker;
  /** The worker's own connection, disconnected once it is closed. */
  connection: Redis;
}

/**
 * Closes a role's workers side by side, all by one deadline (epoch ms): one after the other, each with the whole grace,
 * a role of three queues could take three times the grace its container is given before it is killed.
 */
export async function closeWorkers(workers: readonly ClosingWorker[], deadline: number): Promise<void> {
  const grace = gracePeriod(deadline - Date.now());
  try {
    await closeWorkersWhen(workers, grace.over);
  } finally {
    grace.cancel();
  }
}

/** closeWorkers with the end of the grace given as a promise (one grace for all of them, whatever ends it). */
export async function closeWorkersWhen(workers: readonly ClosingWorker[], graceOver: Promise<unknown>): Promise<void> {
  await Promise.all(workers.map(({ worker, connection }) => closeWorkerWhen(worker, connection, graceOver)));
}

/**
 * Lets the active jobs finish while Redis answers; with Redis gone, or once `graceMs` has passed, returns at once.
 * A job cut off that way (the process exits) loses nothing: its lock expires and another worker takes it over.
 */
export async function closeWorker(worker: Worker, connection: Redis, graceMs: number): Promise<void> {
  const grace = gracePeriod(graceMs);
  try {
    await closeWorkerWhen(worker, connection, grace.over);
  } finally {
    grace.cancel();
  }
}

/** closeWorker with the end of the grace given as a promise. */
async function closeWorkerWhen(worker: Worker, connection: Redis, graceOver: Promise<unknown>): Promise<void> {
  if (await redisAnswers(connection)) {
    // Redis may die while we wait (or just before, unnoticed yet): a graceful close would then wait for a blocking
    // command that never returns, so losing the connection ends the grace too.
    let lost: (() => void) | undefined;
    const connectionLost = new Promise<'connection lost'>((resolve) => {
      lost = () => resolve('connection lost');
      connection.once('close', lost);
      connection.once('end', lost);
    });
    const closing = worker.close();
    const outcome = await Promise.race([closing.then(() => 'closed' as const), graceOver.then(() => 'grace over' as const), connectionLost]);
    if (lost !== undefined) {
      connection.off('close', lost);
      connection.off('end', lost);
    }
    if (outcome === 'grace over') {
      // Not worker.close(true): BullMQ answers every close after the first with the first one's promise, so a forced
      // close would wait for the very jobs the grace gave up on. The graceful close goes on without us and ends with
      // those jobs (their results then still recorded) or with the process; the connection goes when it ends.
      const disconnect = () => connection.disconnect();
      closing.then(disconnect, disconnect);
      return;
    }
    // Closed, or Redis gone: the worker can record nothing more.
    if (outcome === 'connection lost') closing.catch(() => undefined);
    connection.disconnect();
    return;
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
