// The outbound HTTP client as the config's http: section sets it up.
import type { Config } from '../config/schema.js';
import { createHttpClient, type HttpClient } from '../net/http-client.js';

export function httpClientFor(config: Config): HttpClient {
  return createHttpClient({
    timeoutMs: config.http.timeout,
    ...(config.http.user_agent === undefined ? {} : { userAgent: config.http.user_agent }),
  });
}
