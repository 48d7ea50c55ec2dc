import { describe, expect, it } from 'vitest';
import { isSecretName, redactUrl, redactUrlsInText } from './redact-url.js';

describe('redactUrl', () => {
  it('removes userinfo, whatever it holds', () => {
    expect(redactUrl('http://feeduser:s3cret@feeds.example/private.xml')).toBe('http://***@feeds.example/private.xml');
    expect(redactUrl('https://only-a-token@feeds.example/')).toBe('https://***@feeds.example/');
    expect(redactUrl('https://user:p@ss:w0rd@feeds.example:8443/x')).toBe('https://***@feeds.example:8443/x');
    expect(redactUrl(new URL('https://a:b@feeds.example/'))).toBe('https://***@feeds.example/');
  });

  it('removes all up to the last @ of a URL that does not parse, whose password holds an unencoded # / or ? (was shown whole by check-config)', () => {
    expect(redactUrl('http://bob:ab#cd/ef@feeds.example/private.xml')).toBe('http://***@feeds.example/private.xml');
    expect(redactUrl('https://bob:a/b?c@feeds.example:99999/x?token=t')).toBe('https://***@feeds.example:99999/x?token=***');
    expect(redactUrl('not a url pw123')).toBe('not a url pw123');
    // A URL that parses keeps its @ in the query: the userinfo is only what precedes the host.
    expect(redactUrl('https://feeds.example/p?email=a@b.example')).toBe('https://feeds.example/p?email=a@b.example');
  });

  it('replaces the values of credential-like query parameters and keeps the rest as written', () => {
    expect(redactUrl('https://feeds.example/rss?token=abc123&page=2&api_key=k-9&sig=f00&lang=en')).toBe(
      'https://feeds.example/rss?token=***&page=2&api_key=***&sig=***&lang=en',
    );
    expect(redactUrl('https://s3.example/o?X-Amz-Signature=aa&X-Amz-Credential=bb&X-Amz-Date=cc#frag')).toBe(
      'https://s3.example/o?X-Amz-Signature=***&X-Amz-Credential=***&X-Amz-Date=cc#frag',
    );
    expect(redactUrl('https://feeds.example/rss?access_token=t&monkey=1&design=2&q=a%20b')).toBe(
      'https://feeds.example/rss?access_token=***&monkey=1&design=2&q=a%20b',
    );
    expect(redactUrl('https://feeds.example/feed.xml')).toBe('https://feeds.example/feed.xml');
  });
});

describe('redactUrlsInText', () => {
  it('redacts every URL quoted in a message, leaving the words alone', () => {
    const message = 'Request cannot be constructed from a URL that includes credentials: http://u:hunter2@h.example/f.xml?key=k1 (then "https://x.example/?password=p2")';
    expect(redactUrlsInText(message)).toBe(
      'Request cannot be constructed from a URL that includes credentials: http://***@h.example/f.xml?key=*** (then "https://x.example/?password=***")',
    );
    expect(redactUrlsInText('no URL here: user:pass@host')).toBe('no URL here: user:pass@host');
  });
});

describe('isSecretName', () => {
  it('knows credential names by their parts, in any case and spelling', () => {
    for (const name of ['token', 'API_KEY', 'apikey', 'X-Api-Key', 'access_token', 'sig', 'Authorization', 'Proxy-Authorization', 'client_secret', 'password', 'Cookie']) {
      expect(isSecretName(name), name).toBe(true);
    }
    for (const name of ['accept', 'User-Agent', 'monkey', 'page', 'keywords', 'design', 'signal']) expect(isSecretName(name), name).toBe(false);
  });
});
