// The shapes of the API answers the dashboard reads (see README "HTTP API"), only the fields it uses.
import type { Scope } from './api-client.js';

export interface KeyInfo {
  name: string;
  scope: Scope;
}

export interface Brand {
  id: string;
  name: string;
  competitors: string[];
}

export interface Mention {
  id: string;
  brands: string[];
  source: { id: string; type: string };
  url: string | null;
  title: string | null;
  text: string;
  author: string | null;
  lang: string | null;
  occurred_at: string;
  backfill: boolean;
  reach: number | null;
  sentiment: { label: string; score: number | null };
  sentiment_source: 'manual' | 'model';
  model_sentiment: { label: string } | null;
}

export interface StatsRow {
  brand: string;
  bucket: string;
  total: number;
  positive: number;
  neutral: number;
  negative: number;
  unknown: number;
  reach: number;
}

export interface StatsAnswer {
  interval: string;
  tz: string;
  since: string;
  until: string;
  data: StatsRow[];
}

export interface ShareOfVoiceAnswer {
  data: Array<{ brand: string; value: number; share: number }>;
  series: Array<{ bucket: string; values: Record<string, number>; shares: Record<string, number> }>;
}

export interface TopAnswer {
  data: Array<{ key: string | null; mentions: number; negative: number; negative_share: number; reach: number }>;
}

export interface RuleView {
  episode_id: string;
  rule_id: string;
  rule_type: string;
  status: string;
  fired_at: string;
  resolved_at: string | null;
  inhibited_by: string | null;
  latest: { summary: string; counts: Record<string, number | null> } | null;
  peak: { summary: string; counts: Record<string, number | null> } | null;
}

export interface AlertSample {
  mention_id: string;
  url: string | null;
  title: string | null;
  snippet?: string;
  text?: string;
  site?: string | null;
  author?: string | null;
  sentiment?: string;
  sentiment_score?: number | null;
  reach?: number | null;
  published_at?: string | null;
}

export interface Alert {
  id: string;
  brand_id: string;
  status: 'firing' | 'resolved';
  started_at: string;
  opened_at: string;
  resolved_at: string | null;
  acked_at: string | null;
  acked_by: string | null;
  ack_comment: string | null;
  rules: RuleView[];
  notifications: Array<{ id: string; channel_id: string; kind: string; status: string; last_error: string | null; silenced_by: string | null }>;
  samples?: AlertSample[];
}

export interface Silence {
  id: string;
  brand_id: string | null;
  rule_id: string | null;
  starts_at: string;
  ends_at: string;
  comment: string;
  created_by: string;
  active: boolean;
}

export interface Source {
  id: string;
  type: string;
  every: string | null;
  brands: string[] | null;
  status: string;
  last_polled_at: string | null;
  last_ok_at: string | null;
  consecutive_failures: number;
  last_error: string | null;
  /** What the last successful poll left out (search results of the wrong shape); null when nothing was. */
  last_warning: string | null;
  retry_at: string | null;
  mentions_total: number;
  last_mention_seen_at: string | null;
}

export interface Story {
  id: string;
  brand: string;
  title: string | null;
  first_seen_at: string;
  last_seen_at: string;
  mentions: number;
  sites: number;
  authors: number;
  negative_share: number;
  sites_last_6h: number;
  first_site: string | null;
  sample_urls: string[];
  open: boolean;
}

export interface StoryDetail extends Story {
  timeline: Array<{ site: string; first_seen_at: string; first_url: string | null; mentions: number }>;
}

export interface MonthlyReport {
  month: string;
  flags: string[];
}
