// Sending any message over SMTP with nodemailer, and what the server's refusals mean. Knows nothing of alerts: a
// digest sends through it too.
import { createTransport, type NodemailerError, type SendMailOptions } from 'nodemailer';
import { DeliveryError, redactSecrets, remoteReason } from './notifier.js';

export interface EmailTransport {
  /** Resolves once every recipient was accepted; throws a DeliveryError (never quoting the password) otherwise. */
  send(message: SendMailOptions): Promise<void>;
}

export function emailTransport(smtpUrl: string, timeoutMs: number): EmailTransport {
  const transport = createTransport({
    url: smtpUrl,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
  });
  return {
    async send(message) {
      let rejected: string[];
      let rejectedErrors: NodemailerError[];
      try {
        const info = await transport.sendMail(message);
        rejected = info.rejected;
        rejectedErrors = info.rejectedErrors ?? [];
      } catch (error) {
        throw smtpDeliveryError(error as NodemailerError, smtpUrl, timeoutMs);
      }
      if (rejected.length > 0) throw partialDeliveryError(rejected, rejectedErrors, smtpUrl);
    },
  };
}

const CONNECTION_CODES = new Set(['ECONNECTION', 'ESOCKET', 'EDNS', 'EPROXY']);

/**
 * The failure as a DeliveryError: permanent SMTP replies (5xx but 503) and failed logins need a config change, so
 * they are not retried; temporary replies (4xx), connection failures and timeouts are. Never quotes the password.
 */
export function smtpDeliveryError(error: NodemailerError, smtpUrl: string, timeoutMs: number): DeliveryError {
  const server = `SMTP server ${smtpServerName(smtpUrl)}`;
  const secrets = smtpSecrets(smtpUrl);
  const code = error.code;
  if (code === 'EAUTH') {
    const reply = error.responseCode === undefined ? '' : ` (${error.responseCode})`;
    return new DeliveryError(`${server} refused the login${reply}: check the user name and password in the channel's smtp URL`, false);
  }
  if (code === 'ENOAUTH') {
    return new DeliveryError(`${server} requires a login: put user:password in the channel's smtp URL`, false);
  }
  if (error.responseCode !== undefined) {
    const permanent = error.permanent ?? (error.responseCode >= 500 && error.responseCode !== 503);
    const reply = remoteReason(redactSecrets(error.response ?? String(error.responseCode), secrets));
    const advice = permanent ? permanentReplyAdvice(error.command) : 'a temporary refusal';
    return new DeliveryError(`${server} answered "${reply}" to ${error.command ?? 'the message'}: ${advice}`, !permanent);
  }
  if (code === 'ETIMEDOUT') return new DeliveryError(`${server} did not answer within ${timeoutMs / 1000} s`, true);
  if (code !== undefined && CONNECTION_CODES.has(code)) {
    const detail = error.originalCode ?? code;
    return new DeliveryError(`cannot reach ${server}: ${detail}`, true);
  }
  if (code === 'ETLS' || code === 'EREQUIRETLS') {
    return new DeliveryError(`TLS with ${server} failed: check smtp:// (STARTTLS) against smtps:// (TLS) and the port`, false);
  }
  if (code === 'EENVELOPE') {
    return new DeliveryError(`the message could not be addressed: ${remoteReason(redactSecrets(error.message, secrets))}; check from and to`, false);
  }
  return new DeliveryError(`sending through ${server} failed: ${remoteReason(redactSecrets(error.message, secrets))}`, true);
}

/**
 * Some recipients were refused while the others got the message. Not retryable: a retry would send the others a
 * second copy, and a refused address is fixed in the config, not by waiting.
 */
function partialDeliveryError(rejected: string[], rejectedErrors: NodemailerError[], smtpUrl: string): DeliveryError {
  const replies = rejectedErrors
    .map((error) => error.response)
    .filter((response): response is string => response !== undefined)
    .map((response) => remoteReason(redactSecrets(response, smtpSecrets(smtpUrl)), 100));
  const reason = replies.length === 0 ? '' : ` (${[...new Set(replies)].join('; ')})`;
  return new DeliveryError(
    `SMTP server ${smtpServerName(smtpUrl)} refused ${rejected.join(', ')}${reason}; the other recipients got the message: check the channel's to addresses`,
    false,
  );
}

function permanentReplyAdvice(command: string | undefined): string {
  if (command === 'RCPT TO') return "a recipient was refused; check the channel's to addresses";
  if (command === 'MAIL FROM') return "the sender was refused; check the channel's from address (the account may not send as it)";
  return 'the server refused the message for good';
}

/** "mail.example:587": where the channel sends, without the credentials in the URL. */
function smtpServerName(smtpUrl: string): string {
  try {
    const url = new URL(smtpUrl);
    const port = url.port === '' ? (url.protocol === 'smtps:' ? '465' : '587') : url.port;
    return `${url.hostname}:${port}`;
  } catch {
    return '(unreadable smtp URL)';
  }
}

function smtpSecrets(smtpUrl: string): string[] {
  const secrets = [smtpUrl];
  try {
    const url = new URL(smtpUrl);
    for (const part of [url.username, url.password]) {
      secrets.push(part);
      secrets.push(decodeURIComponent(part));
    }
  } catch {
    // An unparsable URL is redacted as a whole above.
  }
  return secrets;
}
