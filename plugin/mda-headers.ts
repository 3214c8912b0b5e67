// What a delivery agent adds in front of a message (RFC 5321 §4.4 Return-Path; Delivered-To
// as Postfix local(8) and Dovecot LMTP write it). Everything after them is the received bytes.

/** The message's own line ending, so the added lines do not mix CRLF and LF. */
function lineEnding(raw: Buffer): string {
  const lf = raw.indexOf(0x0a);
  return lf > 0 && raw[lf - 1] === 0x0d ? '\r\n' : lf >= 0 ? '\n' : '\r\n';
}

/** Header values must stay on one line whatever an envelope address contains. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

export function withMdaHeaders(raw: Buffer, envelope: { returnPath: string; deliveredTo: string }): Buffer {
  const eol = lineEnding(raw);
  const head = `Return-Path: <${oneLine(envelope.returnPath)}>${eol}Delivered-To: ${oneLine(envelope.deliveredTo)}${eol}`;
  return Buffer.concat([Buffer.from(head, 'utf8'), raw]);
}
