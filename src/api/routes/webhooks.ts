// POST /v1/webhooks/:sourceId: signed mentions pushed by a sender (Zapier, an internal tool, another monitor).
// Registered beside the API-key scope, not in it: the HMAC signature over the raw body is the credential.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { compileBrandRules, rulesForSource } from '../../mentions/brand-rules.js';
import type { Mention } from '../../mentions/mention.js';
import { SIGNATURE_HEADER, checkSignatureHeader, verifySignature } from '../../net/webhook-signature.js';
import { toPushedMentions } from '../../poller/pushed-mentions.js';
import type { SourceConfig } from '../../sources/source-config.js';
import { WEBHOOK_TYPE, webhookSecretOf } from '../../sources/webhook.js';
import { recordPollSuccess } from '../../store/source-store.js';
import type { ApiDeps } from '../api-deps.js';
import { WebhookAcceptedResponse, responses } from '../response-schemas.js';
import { isDependencyOutage } from '../dependency-outage.js';
import { ApiError, ErrorCode } from '../errors.js';
import { readPushedMentions } from '../webhook-body.js';

export const WEBHOOK_BODY_LIMIT = 1024 * 1024;
// Pushes fetch nothing, so no fetch setup to fingerprint (and the secret is kept out of the one stored hash).
const PUSH_FINGERPRINT = 'push';

interface WebhookSource {
  config: SourceConfig;
  secret: string;
}

export const webhookRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  // The signature covers the exact bytes sent, so this scope keeps the body raw (and knows no other content type:
  // anything but JSON is a 415). Parsing waits until the signature has been checked.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, rawBody, done) => done(null, rawBody));

  const brandRules = compileBrandRules(deps.config.brands);
  const webhookSources = new Map<string, WebhookSource>();
  for (const config of deps.config.sources) {
    const secret = webhookSecretOf(config);
    if (secret !== null) webhookSources.set(config.id, { config, secret });
  }
  // The same answer for a source that does not exist and one that is not a webhook: both have nothing to receive.
  const webhookSourceOr404 = (sourceId: string): WebhookSource => {
    const source = webhookSources.get(sourceId);
    if (source === undefined) throw new ApiError(ErrorCode.notFound, `no webhook source with id ${sourceId}`);
    return source;
  };

  app.post(
    '/webhooks/:sourceId',
    {
      bodyLimit: WEBHOOK_BODY_LIMIT,
      schema: { params: Type.Object({ sourceId: Type.String() }), response: responses(WebhookAcceptedResponse, 202) },
      // Before the body is read: an unknown source (or one that is not a webhook) is a 404 whatever was sent, and a
      // missing, malformed or stale signature a 401. The connection is then closed rather than drained, so an
      // unsigned sender cannot make the server read (or wait for) its body.
      onRequest: async (request, reply) => {
        try {
          const source = webhookSourceOr404(request.params.sourceId);
          const check = checkSignatureHeader(signatureHeader(request.headers[SIGNATURE_HEADER]));
          if (!check.ok) refuseSignature(request, source, check.reason);
        } catch (error) {
          reply.header('connection', 'close');
          throw error;
        }
      },
    },
    async (request, reply) => {
      const source = webhookSourceOr404(request.params.sourceId);
      const sourceId = source.config.id;
      if (!Buffer.isBuffer(request.body)) {
        throw new ApiError(ErrorCode.unsupportedMediaType, 'send the mentions as JSON, with Content-Type: application/json');
      }
      const check = verifySignature(signatureHeader(request.headers[SIGNATURE_HEADER]), source.secret, request.body);
      if (!check.ok) refuseSignature(request, source, check.reason);
      const items = readPushedMentions(request.body, request.headers['content-type']);
      const receivedAt = new Date();
      const mentions = toPushedMentions(items, rulesForSource(brandRules, source.config.brands), {
        sourceId,
        sourceType: WEBHOOK_TYPE,
        receivedAt,
      });
      const jobId = mentions.length > 0 ? await enqueueOrUnavailable(deps, mentions) : null;
      await recordPush(deps, source.config, receivedAt).catch((error: unknown) => {
        // The mentions are safe in Redis; only the source's health lags, so the sender still gets its 202.
        request.log.warn({ source: sourceId, err: (error as Error).message }, 'could not record the push in the source health');
      });
      request.log.info({ source: sourceId, accepted: items.length, matched: mentions.length, jobId }, 'webhook accepted');
      return reply.status(202).send({ accepted: items.length, matched: mentions.length });
    },
  );
};

function refuseSignature(request: FastifyRequest, source: WebhookSource, reason: string): never {
  request.log.warn({ source: source.config.id, reason }, 'webhook signature refused');
  throw new ApiError(ErrorCode.invalidSignature, reason);
}

/** Node joins repeated headers with ", "; a list is only possible through unusual clients, and is read the same way. */
function signatureHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

async function enqueueOrUnavailable(deps: ApiDeps, mentions: Mention[]): Promise<string> {
  try {
    return await deps.enqueueMentionBatch(mentions);
  } catch (error) {
    if (!isDependencyOutage(error)) throw error;
    throw new ApiError(ErrorCode.unavailable, 'Redis is unreachable: nothing from this request was accepted; retry later');
  }
}

/** A push is the sign of life a webhook source has: it shows in GET /v1/sources as a successful poll would. */
function recordPush(deps: ApiDeps, config: SourceConfig, receivedAt: Date): Promise<void> {
  return recordPollSuccess(deps.database, { id: config.id, type: config.type }, PUSH_FINGERPRINT, {}, receivedAt);
}
