// A BullMQ Worker that takes its next job by a call of its own, not in the reply that completes the last one.
import { Worker, type Job } from 'bullmq';

/**
 * BullMQ's `moveToFinished` compares the script's reply with 0 (`result < 0`) before reading it. When the script also
 * hands over the next job (its default), the reply is an array holding that job's data, and the comparison turns it
 * all into one string: about 10 ms of the main thread for a 400 KB batch of mentions, a fifth of what the scorer's
 * main thread does with it. Told not to fetch there, the script answers a number, and the worker's loop takes the
 * next job with `moveToActive`, whose reply is read without that (one more round trip to Redis per job). Which jobs
 * run, and when they are completed, failed or retried, is unchanged.
 */
export class SeparateFetchWorker<DataType, ResultType, NameType extends string = string> extends Worker<DataType, ResultType, NameType> {
  /** `_fetchNext`, the loop's say on whether to take the next job here, is overruled: never. */
  override processJob(
    job: Job<DataType, ResultType, NameType>,
    token: string,
    _fetchNext?: () => boolean,
  ): Promise<void | Job<DataType, ResultType, NameType>> {
    return super.processJob(job, token, () => false);
  }
}
