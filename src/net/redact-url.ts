// URLs as they may be shown (errors, last_error, logs, preview): without userinfo and without the values of query
// parameters that look like credentials (token, key, sig, password...). Feed and API URLs carry both.

const REDACTED = '***';
// Parts of a query parameter's name (split at - _ .) that mark its value as a credential: `token`, `api_key`,
// `X-Amz-Signature`, `access_token`, `sig`... but not `monkey` or `design`.
const SECRET_NAME_PARTS = new Set([
  'token',
  'key',
  'apikey',
  'sig',
  'signature',
  'secret',
  'password',
  'passwd',
  'pwd',
  'pass',
  'auth',
  'credential',
  'credentials',
  'accesstoken',
  'session',
  'sessionid',
  'jwt',
  'authorization',
  'cookie',
]);
// Any scheme (a mistyped "htp://" quoted back by a config error holds the same password); a URL ends inside free
// text at whitespace, quotes or angle brackets.
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i;
// In text that does not parse as a URL, the userinfo cannot be told apart: a password with an unencoded '#', '/' or
// '?' (`http://bob:ab#cd@host/`) is what usually makes it unparseable. Everything up to the last '@' goes.
const LOOSE_USERINFO = /^([a-z][a-z0-9+.-]*:\/\/).*@/is;
const QUERY_PARAMETER = /([?&])([^=&#]*)=([^&#]*)/g;

/** True for a query parameter or header name whose value is a credential (Authorization, X-Api-Key, ?token=). */
export function isSecretName(name: string): boolean {
  return name
    .toLowerCase()
    .split(/[-_.\s]+/)
    .some((part) => SECRET_NAME_PARTS.has(part));
}

/** The URL without userinfo and with credential-like query values replaced by ***; unparseable text is redacted too. */
export function redactUrl(url: string | URL): string {
  const text = url.toString();
  // Worked on as text, so the URL is shown as written (no re-encoding) and even a malformed one is redacted.
  return redactQueryValues(text.replace(URL.canParse(text) ? USERINFO : LOOSE_USERINFO, (_match, scheme: string) => `${scheme}${REDACTED}@`));
}

/**
 * The values of credential-like query parameters replaced by `censor`, the rest of the text as written: for a
 * request's path and query (no userinfo there), as the request log shows it. A name is compared as the query parser
 * reads it, so `?%74oken=` is a token too.
 */
export function redactQueryValues(text: string, censor: string = REDACTED): string {
  return text.replace(QUERY_PARAMETER, (match, separator: string, name: string) =>
    isSecretName(safeDecode(name)) ? `${separator}${name}=${censor}` : match,
  );
}

/** Every http(s) URL inside `text` redacted (an error message from a library may quote the URL it was given). */
export function redactUrlsInText(text: string): string {
  return text.replace(URL_IN_TEXT, (url) => redactUrl(url));
}

function safeDecode(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
