// Canonical permalinks: the same story reached through a tracking link or an anchor must give the same mention id.
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
  url.hash = '';
  url.username = '';
  url.password = '';
  for (const name of [...url.searchParams.keys()]) {
    if (TRACKING_PARAMETER.test(name)) url.searchParams.delete(name);
  }
  if (url.searchParams.size === 0) url.search = '';
  // URL already lower-cases the host and drops default ports.
  return url.toString();
}
