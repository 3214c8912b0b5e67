// Reads an mbox file (mboxo or mboxrd, as mutt, Thunderbird, Dovecot and Google Takeout write it)
// message by message without holding the file in memory. A message starts at a "From " line at
// the start of the file or after an empty line; that empty line separates and is not part of
// the message before it. Quoted ">From " lines are unquoted by the mboxrd rule (one ">" less
// before any run of ">" and "From "), which also reads mboxo right. Everything else is kept
// byte for byte, line endings included.

import { createReadStream } from 'node:fs';

export interface MboxMessage {
  /** The message's bytes, without its From_ line and separator, unquoted. */
  raw: Buffer;
  /** The From_ line (without its line ending). */
  fromLine: string;
  /** 1-based line number of the From_ line, for reports. */
  line: number;
  /** Bytes of the file read when this message ended (for progress). */
  position: number;
}

/** A From_ line names a sender and a time (asctime): "From alice@x Thu Jan  4 10:00:00 2024". */
const FROM_LINE = /^From \S*.*\d{1,2}:\d{2}/;
const QUOTED_FROM = /^>+From /;

function isFromLine(line: Buffer): boolean {
  if (line.length < 5 || line[0] !== 0x46 || line.toString('latin1', 0, 5) !== 'From ') return false;
  return FROM_LINE.test(line.toString('latin1', 0, Math.min(line.length, 200)));
}

function isEmptyLine(line: Buffer): boolean {
  return line.length === 1 ? line[0] === 0x0a : line.length === 2 && line[0] === 0x0d && line[1] === 0x0a;
}

function withoutEnding(line: Buffer): string {
  let end = line.length;
  if (end > 0 && line[end - 1] === 0x0a) end--;
  if (end > 0 && line[end - 1] === 0x0d) end--;
  return line.toString('latin1', 0, end);
}

export class NotMboxError extends Error {}

/** Yields each message of the mbox file at `path`; throws NotMboxError when it does not start like one. */
export async function* readMbox(path: string): AsyncGenerator<MboxMessage> {
  let current: { fromLine: string; line: number; parts: Buffer[] } | null = null;
  // An empty line is held back until the next line says whether it separates two messages.
  let heldEmpty: Buffer | null = null;
  let lineNo = 0;
  let position = 0;
  let rest: Buffer | null = null;
  let sawContent = false;

  const finish = (): MboxMessage | null => {
    if (!current) return null;
    const done = { raw: Buffer.concat(current.parts), fromLine: current.fromLine, line: current.line, position };
    current = null;
    return done;
  };

  function* onLine(line: Buffer): Generator<MboxMessage> {
    lineNo++;
    if (!current) {
      if (isEmptyLine(line) && !sawContent) return;
      if (!isFromLine(line)) throw new NotMboxError(`line ${lineNo}: expected a "From " line, found ${JSON.stringify(withoutEnding(line).slice(0, 60))}`);
      sawContent = true;
      current = { fromLine: withoutEnding(line), line: lineNo, parts: [] };
      return;
    }
    if (heldEmpty) {
      if (isFromLine(line)) {
        heldEmpty = null;
        const done = finish();
        if (done) yield done;
        current = { fromLine: withoutEnding(line), line: lineNo, parts: [] };
        return;
      }
      current.parts.push(heldEmpty);
      heldEmpty = null;
    }
    if (isEmptyLine(line)) {
      heldEmpty = line;
      return;
    }
    if (line[0] === 0x3e && QUOTED_FROM.test(line.toString('latin1', 0, Math.min(line.length, 80)))) {
      current.parts.push(line.subarray(1));
      return;
    }
    current.parts.push(line);
  }

  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let buf: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
    rest = null;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, start);
      if (nl < 0) break;
      // A view, not a copy: the message's parts are joined (copied) once it ends.
      const line = buf.subarray(start, nl + 1);
      position += line.length;
      yield* onLine(line);
      start = nl + 1;
    }
    if (start < buf.length) rest = Buffer.from(buf.subarray(start));
  }
  if (rest && rest.length > 0) {
    position += rest.length;
    yield* onLine(rest);
  }
  // The last message's trailing empty line is the file's separator as well.
  const last = finish();
  if (last) yield last;
  if (!sawContent) throw new NotMboxError('the file holds no message');
}
