// Reading a raw e-mail as an SMTP server received it: unfolded headers, RFC 2047 subjects, decoded text parts.

/** RFC 2047 encoded words (as nodemailer writes non-ASCII subjects) back to text. */
export function decodeEncodedWords(value: string): string {
  const joined = value.replace(/\?=\s+=\?/g, '?==?');
  return joined.replace(/(?:=\?UTF-8\?([QB])\?([^?]*)\?=)+/gi, (run) => {
    const bytes = [...run.matchAll(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi)].map(([, encoding, text = '']) =>
      encoding?.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : quotedPrintableBytes(text.replace(/_/g, ' ')),
    );
    return Buffer.concat(bytes).toString('utf8');
  });
}

function quotedPrintableBytes(text: string): Buffer {
  return Buffer.from(text.replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
}

export interface MimeEntity {
  headers: Map<string, string>;
  body: string;
}

/** Splits a message (LF line ends) into unfolded headers by lower-case name, and its body. */
export function mimeEntity(text: string): MimeEntity {
  const split = text.indexOf('\n\n');
  const headers = new Map<string, string>();
  for (const line of text.slice(0, split).replace(/\n[ \t]+/g, ' ').split('\n')) {
    const separator = line.indexOf(':');
    headers.set(line.slice(0, separator).toLowerCase(), line.slice(separator + 1).trim());
  }
  return { headers, body: text.slice(split + 2) };
}

/** The decoded text parts of a multipart/alternative message, by content type. */
export function alternativeParts(message: MimeEntity): Map<string, string> {
  const boundary = /boundary="?([^";]+)"?/.exec(message.headers.get('content-type') ?? '')?.[1];
  if (boundary === undefined) throw new Error(`not a multipart message: ${message.headers.get('content-type')}`);
  const parts = new Map<string, string>();
  for (const chunk of message.body.split(`--${boundary}`).slice(1, -1)) {
    const part = mimeEntity(chunk.replace(/^\n/, ''));
    const encoding = part.headers.get('content-transfer-encoding');
    const body = part.body.replace(/\n$/, '');
    const decoded =
      encoding === 'quoted-printable'
        ? quotedPrintableBytes(body.replace(/=\n/g, '')).toString('utf8')
        : encoding === 'base64'
          ? Buffer.from(body, 'base64').toString('utf8')
          : body;
    parts.set((part.headers.get('content-type') ?? '').split(';')[0] as string, decoded);
  }
  return parts;
}

/** The decoded Subject of a raw message (CRLF or LF line ends). */
export function subjectOf(raw: string): string {
  return decodeEncodedWords(mimeEntity(raw.replace(/\r\n/g, '\n')).headers.get('subject') ?? '');
}
