// What every view gets from the shell, and what it offers back (live updates are optional).
import type { Alert, Brand, KeyInfo, Mention } from './api-types.js';
import type { RangeParameters } from './time-range.js';

export interface ViewContext {
  main: HTMLElement;
  key: KeyInfo;
  brands: Brand[];
  brand: Brand;
  range: RangeParameters;
  timeZone: string;
  /** False once the person moved on (another view, brand or range): late answers must not touch the page. */
  isCurrent(): boolean;
  /** A short message for the status line (read out by screen readers). */
  say(text: string): void;
  /** Shows a failure in words (and sends a refused key back to sign-in). */
  fail(error: unknown): void;
  /** Shows the view again with fresh data. */
  refresh(): void;
}

export interface View {
  title: string;
  render(context: ViewContext): Promise<void>;
  /** A new mention arrived on the live stream. */
  onMention?(mention: Mention, context: ViewContext): void;
  /** An alert changed (opened, updated, acknowledged, resolved). */
  onAlert?(alert: Alert, context: ViewContext): void;
}

/** Whether the key may change things: a write key may correct sentiment, an admin key everything. */
export const canWrite = (key: KeyInfo) => key.scope === 'write' || key.scope === 'admin';
export const isAdmin = (key: KeyInfo) => key.scope === 'admin';
