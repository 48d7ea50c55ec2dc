// Which delivery attempts end a delivery, and the latency they report: from the job being queued to the attempt's end.
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import type { DeliveryOutcome } from './deliver-notification.js';
import { timedDelivery, type DeliveryEnd, type NotifyAttempt } from './delivery-latency.js';
import { DeliveryError } from './notifiers/notifier.js';

const QUEUED_MS = Date.UTC(2026, 0, 5, 9, 0, 0);
const ENDED_MS = QUEUED_MS + 2_500;

function attempt(attemptsMade: number, attempts = 3): NotifyAttempt {
  return { data: { eventId: 'event-1', channelId: 'pr-slack' }, timestamp: QUEUED_MS, attemptsMade, opts: { attempts } };
}

/** Runs one attempt that answers `outcome` (or throws it) and answers what was observed and what the attempt gave. */
async function run(job: NotifyAttempt, outcome: DeliveryOutcome | Error): Promise<{ ends: DeliveryEnd[]; result: DeliveryOutcome | string }> {
  const ends: DeliveryEnd[] = [];
  const deliver = timedDelivery(
    async () => {
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
    (end) => ends.push(end),
    () => ENDED_MS,
  );
  const result = await deliver(job).catch((error: Error) => `threw ${error.message}`);
  return { ends, result };
}

describe('delivery latency', () => {
  it('reports a sent delivery with the seconds since the job was queued, whichever attempt sent it', async () => {
    expect(await run(attempt(0), 'sent')).toEqual({ ends: [{ channel: 'pr-slack', outcome: 'sent', seconds: 2.5 }], result: 'sent' });
    expect((await run(attempt(2), 'sent')).ends).toEqual([{ channel: 'pr-slack', outcome: 'sent', seconds: 2.5 }]);
  });

  it('reports a delivery that gave up without throwing (its channel gone) as failed', async () => {
    expect(await run(attempt(0), 'failed')).toEqual({ ends: [{ channel: 'pr-slack', outcome: 'failed', seconds: 2.5 }], result: 'failed' });
  });

  it('reports nothing for a job found already done (sent before, or silenced)', async () => {
    expect(await run(attempt(0), 'already-done')).toEqual({ ends: [], result: 'already-done' });
  });

  it('reports nothing for a failed attempt that will be retried, and a failure on the last attempt as failed', async () => {
    const retryable = new DeliveryError('Slack answered 500', true);
    expect(await run(attempt(0), retryable)).toEqual({ ends: [], result: 'threw Slack answered 500' });
    expect(await run(attempt(1), retryable)).toEqual({ ends: [], result: 'threw Slack answered 500' });
    expect(await run(attempt(2), retryable)).toEqual({
      ends: [{ channel: 'pr-slack', outcome: 'failed', seconds: 2.5 }],
      result: 'threw Slack answered 500',
    });
  });

  it('reports an unrecoverable failure (a 4xx) as the end of the delivery on any attempt', async () => {
    expect(await run(attempt(0), new UnrecoverableError('Slack answered 404'))).toEqual({
      ends: [{ channel: 'pr-slack', outcome: 'failed', seconds: 2.5 }],
      result: 'threw Slack answered 404',
    });
  });

  it('never reports a negative latency (a job stamped by a clock ahead of this one)', async () => {
    const ahead = { ...attempt(0), timestamp: ENDED_MS + 1_000 };
    expect((await run(ahead, 'sent')).ends).toEqual([{ channel: 'pr-slack', outcome: 'sent', seconds: 0 }]);
  });
});
