// The outbound HTTP client as one source uses it: with the source's own body cap (max_body_size), and a body over the
// cap said to be over that setting, so whoever reads last_error knows which key raises it.
import type { HttpClient } from '../net/http-client.js';
import { OutboundError } from '../net/outbound-error.js';
import type { SourceConfig } from '../sources/source-config.js';

export function sourceHttpClient(http: HttpClient, config: Pick<SourceConfig, 'max_body_size'>): HttpClient {
  const maxBodyBytes = config.max_body_size;
  const setting = maxBodyBytes === undefined ? 'the default max_body_size' : "the source's max_body_size";
  return {
    async request(request) {
      try {
        return await http.request(maxBodyBytes === undefined ? request : { ...request, maxBodyBytes });
      } catch (error) {
        if (error instanceof OutboundError && error.kind === 'too_large') throw new OutboundError('too_large', `${error.message}, ${setting}`);
        throw error;
      }
    },
  };
}
