import { describe, expect, it } from 'vitest';
import { redactQuerySecrets, requestLogFields } from './request-log.js';

describe('redactQuerySecrets', () => {
  it('hides the value of every credential parameter, wherever it stands in the query', () => {
    expect(redactQuerySecrets('/v1/stream?token=abc_DEF-123&brand=acme')).toBe('/v1/stream?token=[redacted]&brand=acme');
    expect(redactQuerySecrets('/v1/stream?brand=acme&token=abc')).toBe('/v1/stream?brand=acme&token=[redacted]');
    expect(redactQuerySecrets('/v1/mentions?KEY=k1&api_key=k2&access_token=k3#frag')).toBe(
      '/v1/mentions?KEY=[redacted]&api_key=[redacted]&access_token=[redacted]#frag',
    );
  });

  it('hides the value of a credential parameter whose name is percent-encoded, which the query parser decodes', () => {
    expect(redactQuerySecrets('/v1/stream?brand=acme&%74oken=abc&x=%41')).toBe('/v1/stream?brand=acme&%74oken=[redacted]&x=%41');
    expect(redactQuerySecrets('/v1/mentions?api%5Fkey=k1#frag')).toBe('/v1/mentions?api%5Fkey=[redacted]#frag');
    expect(redactQuerySecrets('/v1/mentions?%6B%65%79=k1&t%6Fken=t2&%54OKEN=t3')).toBe('/v1/mentions?%6B%65%79=[redacted]&t%6Fken=[redacted]&%54OKEN=[redacted]');
  });

  it('hides every parameter a URL shown elsewhere hides (one rule with redactUrl): signatures, sessions, passwords', () => {
    expect(redactQuerySecrets('/v1/mentions?sig=s1&X-Amz-Signature=s2&session_id=s3&pwd=s4&brand=acme')).toBe(
      '/v1/mentions?sig=[redacted]&X-Amz-Signature=[redacted]&session_id=[redacted]&pwd=[redacted]&brand=acme',
    );
  });

  it('leaves encoded names that decode to no secret word, and malformed ones, alone', () => {
    expect(redactQuerySecrets('/v1/mentions?q=%74oken&%71=token&%74oken%ZZ=1&%E0%A4%A=2')).toBe('/v1/mentions?q=%74oken&%71=token&%74oken%ZZ=1&%E0%A4%A=2');
  });

  it('leaves other parameters, and names that merely contain a secret word, alone', () => {
    expect(redactQuerySecrets('/v1/mentions?brand=acme&q=token&monkey=1')).toBe('/v1/mentions?brand=acme&q=token&monkey=1');
  });
});

describe('requestLogFields', () => {
  it("has Fastify's fields with the URL redacted", () => {
    expect(
      requestLogFields({ method: 'GET', url: '/v1/stream?token=s3cret', host: 'localhost', ip: '127.0.0.1', headers: {}, socket: { remotePort: 5000 } }),
    ).toEqual({ method: 'GET', url: '/v1/stream?token=[redacted]', version: undefined, host: 'localhost', remoteAddress: '127.0.0.1', remotePort: 5000 });
  });
});
