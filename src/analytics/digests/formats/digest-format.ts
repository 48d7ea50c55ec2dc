// The digest channel plug-in interface: how one kind of alert channel (slack, email, webhook) words and sends a
// digest; formats/registry.ts maps each channel type to its format, and the compiler checks every type has one.
import type { ChannelConfig, NotifierDeps } from '../../../alerts/notifiers/notifier.js';
import type { DigestSummary } from '../digest-summary.js';

export interface DigestDelivery {
  summary: DigestSummary;
  /** The same on every attempt: "digest.weekly-pr.2026-10-19.pr-slack". Receivers deduplicate on it. */
  deliveryId: string;
}

export interface DigestFormat {
  /**
   * Resolves once the channel accepted the digest; throws a DeliveryError otherwise. The loader has validated the
   * channel's entry against its notifier kind's schema.
   */
  send(channel: ChannelConfig, delivery: DigestDelivery, deps: NotifierDeps): Promise<void>;
}
