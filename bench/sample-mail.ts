// Realistic messages for the benchmarks, as a mail provider hands them over: trace and DKIM
// headers, multipart/alternative with quoted-printable UTF-8 text and HTML, and (for the large
// size) a base64 PDF attachment. Each message has its own Message-ID, subject and date.

export type SampleKind = '4k' | '100k';

const PARAGRAPHS = [
  'Hi Alice, following up on yesterday’s call: the numbers for Q3 are in, and they look better than we feared.',
  'Could you go through the attached draft before Thursday? Grüße an das Team in München — à bientôt!',
  'The rollout is scheduled for next week; we will keep the old endpoint running until every phone has moved over.',
  'Please reply inline with any comments; I will collect them and send a summary to the whole group on Friday.',
];

/** RFC 2045 quoted-printable of UTF-8 text, lines of at most 76 characters. */
function quotedPrintable(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  const lines: string[] = [];
  let line = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x0a) {
      lines.push(line);
      line = '';
      continue;
    }
    const plain = (b >= 33 && b <= 126 && b !== 61) || (b === 32 && bytes[i + 1] !== 0x0a && i + 1 < bytes.length);
    const piece = plain ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
    if (line.length + piece.length > 75) {
      lines.push(`${line}=`);
      line = '';
    }
    line += piece;
  }
  lines.push(line);
  return lines.join('\r\n');
}

function textBody(i: number, paragraphs: number): string {
  const out: string[] = [`Hello Alice,`, ''];
  for (let p = 0; p < paragraphs; p++) out.push(PARAGRAPHS[(i + p) % PARAGRAPHS.length]!, '');
  out.push('Best regards,', 'Bob', '', `-- `, `Bob Sender · Example Corp · ref ${i}`);
  return out.join('\n');
}

function htmlBody(i: number, paragraphs: number): string {
  const ps: string[] = [];
  for (let p = 0; p < paragraphs; p++) ps.push(`<p style="margin:0 0 12px 0">${PARAGRAPHS[(i + p) % PARAGRAPHS.length]!}</p>`);
  return (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>\n' +
    '<body style="font-family:Calibri,Arial,sans-serif;font-size:11pt">\n<p>Hello Alice,</p>\n' +
    ps.join('\n') +
    `\n<p>Best regards,<br>Bob</p>\n<div style="color:#888">Bob Sender &middot; Example Corp &middot; ref ${i}</div>\n</body></html>`
  );
}

/** Deterministic pseudo-random bytes (an attachment that does not compress away). */
function noise(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed * 2654435761 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function base64Lines(data: Buffer): string {
  return (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

export function sampleMessageId(i: number): string {
  return `<bench-${i}@example.org>`;
}

export function sampleSubject(i: number): string {
  return `Re: Quarterly planning — round ${i}`;
}

function headers(i: number, to: string, contentType: string): string {
  const date = new Date(Date.UTC(2025, 2, 7, 9, 30, 0) + i * 1000).toUTCString().replace('GMT', '+0000');
  return [
    `Received: from mail-out.example.org (mail-out.example.org [192.0.2.10]) by mx.bench.test with ESMTPS id b${i}; ${date}`,
    `Received: from laptop.example.org ([198.51.100.7]) by mail-out.example.org with ESMTPSA id x${i}; ${date}`,
    'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=mail; h=from:to:subject:date:message-id;',
    ' bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;',
    ' b=dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZSBidXQgaXQgaXMgYXMgbG9uZyBhcyBvbmUgYW5kIGxvb2tzIGFsaWtl',
    `From: "Bob Sender" <bob@example.org>`,
    `To: "Alice Example" <${to}>`,
    'Cc: "Carol" <carol@example.org>',
    `Subject: =?UTF-8?Q?Re:_Quarterly_planning_=E2=80=94_round?= ${i}`,
    `Date: ${date}`,
    `Message-ID: ${sampleMessageId(i)}`,
    'In-Reply-To: <thread-start@example.org>',
    'References: <thread-start@example.org>',
    'Thread-Topic: Quarterly planning',
    'MIME-Version: 1.0',
    `Content-Type: ${contentType}`,
  ].join('\r\n');
}

function alternative(i: number, boundary: string, paragraphs: number): string {
  return [
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    quotedPrintable(textBody(i, paragraphs)),
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    quotedPrintable(htmlBody(i, paragraphs)),
    `--${boundary}--`,
  ].join('\r\n');
}

/** One message of about 4 KB or 100 KB, CRLF line ends. */
export function sampleMessage(kind: SampleKind, i: number, to: string): string {
  if (kind === '4k') {
    const b = `alt-${i}`;
    return `${headers(i, to, `multipart/alternative; boundary="${b}"`)}\r\n\r\n${alternative(i, b, 8)}\r\n`;
  }
  const mixed = `mixed-${i}`;
  const alt = `alt-${i}`;
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), noise(70_000, i + 1)]);
  return [
    headers(i, to, `multipart/mixed; boundary="${mixed}"`),
    '',
    `--${mixed}`,
    `Content-Type: multipart/alternative; boundary="${alt}"`,
    '',
    alternative(i, alt, 12),
    `--${mixed}`,
    'Content-Type: application/pdf; name="Q3-numbers.pdf"',
    'Content-Disposition: attachment; filename="Q3-numbers.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(pdf),
    `--${mixed}--`,
    '',
  ].join('\r\n');
}
