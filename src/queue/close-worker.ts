// Stops a BullMQ worker for a graceful shutdown without ever hanging on a Redis that is gone.
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * Lets the active jobs finish while Redis answers; with Redis gone (or once `graceMs` has passed) closes at once.
 * A job cut off that way loses nothing: its lock expires and another worker takes it over.
 */
export async function closeWorker(worker: Worker, connection: Redis, graceMs: number): Promise<void> {
  if (connection.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace over'>((resolve) => {
      timer = setTimeout(() => resolve('grace over'), graceMs);
    });
    const outcome = await Promise.race([worker.close(), graceOver]);
    clearTimeout(timer);
    if (outcome !== 'grace over') {
      connection.disconnect();
      return;
    }
  }
  await worker.close(true);
  connection.disconnect();
}
