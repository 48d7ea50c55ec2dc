// One log line per API request at info, written when it is answered: its method and URL (secrets redacted, see
// runtime/request-log.ts), status and time. Fastify's default writes two (one on arrival, one on completion); each is a
// write to stdout, and at info they were the largest part of the API's own CPU per page (bench:api: ≈ 0.3 ms a line
// on the development machine). The line on arrival is still there at debug, for a request that never completes.
// Probe requests (/healthz, /readyz, /metrics) are left to probe-requests.ts.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { isProbeRequest } from './probe-requests.js';

export class OneLinePerRequest extends LogController {
  constructor() {
    super({ disableRequestLogging: isProbeRequest });
  }

  override incomingRequest(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return;
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
