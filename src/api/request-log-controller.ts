// One log line per API request at info, written when it is answered: its method and URL (secrets redacted, see
// runtime/request-log.ts), status and time. Fastify's default writes two (one on arrival, one on completion); each is a
// write to stdout, and at info they were the largest part of the API's own CPU per page (bench:api: ≈ 0.3 ms a line
// on the development machine). The line on arrival is still there at debug, for a request that never completes.
// Probe requests (/healthz, /readyz, /metrics) are left to probe-requests.ts.
//
// The completed line skips the logger's redaction paths: its fields are written by serializers that leave no secret
// in them (the request's method, its URL with secret parameters replaced, host and address, no header; the status;
// the time), and walking the paths (`*.key`, `*.*.authorization` …) over them was a third of the line's cost (a
// selective clone of each field per line: ≈ 20 µs and 15 KB of garbage per request in the api process, bench:api).
// An errored line carries the error itself, which may hold anything: it keeps the redaction.
import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import { isProbeRequest } from './probe-requests.js';

export class OneLinePerRequest extends LogController {
  /** The app's logger (Fastify's serializers included) without redaction paths, made on the first completed line. */
  #completedLines: FastifyBaseLogger | undefined;

  constructor() {
    super({ disableRequestLogging: isProbeRequest });
  }

  override incomingRequest(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return;
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error) {
      reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
      return;
    }
    this.#completedLines ??= request.server.log.child({}, { redact: [] });
    // reqId first: where the request's own logger writes its binding, so the line reads as it did.
    this.#completedLines.info({ reqId: request.id, req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
