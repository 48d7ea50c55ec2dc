// Canonical permalinks: the same story reached through a tracking link or an anchor must give the same mention id.
import { itemAnchor } from './item-anchor.js';

const TRACKING_PARAMETER = /^(utm_[a-z0-9_]*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid)$/i;

/** The canonical form of an http(s) URL, or null when the text is not one. */
export function canonicalUrl(rawUrl: string, base?: string): string | null {
  let url: URL;
  try {
    url = new URL(rawUrl.trim(), base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  // An anchor that names an item of its own (a comment on the page) stays: see item-anchor.ts.
  const anchor = itemAnchor(url.hash);
  url.hash = anchor === null ? '' : `#${anchor}`;
  url.username = '';
  url.password = '';
  // Filter the raw query text rather than going through URLSearchParams, which would re-encode the parameters we
  // keep ("%20" → "+", "amp" → "amp=") and give the clean link and the tracked link different ids.
  const kept = url.search
    .replace(/^\?/, '')
    .split('&')
    .filter((parameter) => parameter !== '' && !TRACKING_PARAMETER.test(parameterName(parameter)));
  url.search = kept.length > 0 ? `?${kept.join('&')}` : '';
  // URL already lower-cases the host and drops default ports.
  return url.toString();
}

function parameterName(parameter: string): string {
  const name = parameter.split('=')[0] ?? '';
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
