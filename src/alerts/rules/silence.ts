// silence: the brand had no mentions for `period`, or a source feeding it (or one of `sources`) has not been ok for
// `period`. A dead source is itself an incident: the team is blind until it is fixed.
import { Duration } from '../../config/schema-types.js';
import { Type } from '@sinclair/typebox';
import type { RuleCounts } from '../alert-event.js';
import { durationInWords, utcTime } from '../alert-wording.js';
import { negativeShareOf } from '../brand-history.js';
import { SourceIds } from './rule-fields.js';
import { defineRuleKind } from './rule-kind.js';

export const silenceRule = defineRuleKind({
  title: 'Silence',
  fields: {
    period: Duration(),
    sources: Type.Optional(SourceIds()),
  },
  create: (config) => {
    const periodMs = config.period;
    return {
      async evaluate(context) {
        const { nowMs, brand, watchingSinceMs } = context;
        const silentFrom = nowMs - periodMs;
        const reasons: string[] = [];
        const since: number[] = [];
        // Over `period`, not the rule's window: a 30-minute silence rule must not wait for an hour without mentions.
        if (watchingSinceMs <= silentFrom) {
          const last = await context.history.lastMentionAt(brand.id, nowMs + 1);
          if (last === null || last <= silentFrom) {
            reasons.push(last === null ? 'no mentions yet' : `no mentions since ${utcTime(new Date(last).toISOString())}`);
            since.push(last ?? watchingSinceMs);
          }
        }
        const watched = context.sources.filter((source) =>
          config.sources !== undefined ? config.sources.includes(source.id) : source.brandIds === null || source.brandIds.includes(brand.id),
        );
        for (const source of watched) {
          const troubleSince = source.troubleSinceMs ?? (source.ok ? null : watchingSinceMs);
          if (!source.ok && troubleSince !== null && troubleSince <= silentFrom) {
            reasons.push(`source ${source.id} not ok${source.lastError ? `: ${source.lastError}` : ''}`);
            since.push(troubleSince);
          }
        }
        const totals = await context.history.windowTotals(brand.id, silentFrom, nowMs + 1);
        const counts: RuleCounts = {
          mentions: totals.total,
          negative: totals.negative,
          negativeShare: negativeShareOf(totals),
          usualNegativeShare: null,
          matching: 0,
          baseline: null,
          ratio: null,
          sites: 0,
          authors: 0,
        };
        const holds = reasons.length > 0;
        return {
          findings: [
            {
              subject: '',
              holds,
              fresh: true,
              signalStartMs: holds ? Math.min(...since) : null,
              counts,
              summary: holds ? reasons.join('; ') : 'Mentions are flowing again',
              figures: reasons.map((reason) => ({ label: 'Problem', value: reason })),
              headline: holds ? `${reasons.length === 1 ? reasons[0] : `${reasons.length} problems`} for over ${durationInWords(periodMs)}` : 'mentions flowing again',
            },
          ],
          state: null,
        };
      },
      async explain() {
        return { mentions: [], order: 'highest-reach' };
      },
    };
  },
});
