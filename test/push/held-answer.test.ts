// A parked Ping is answered outside Koa (eas/http/long-poll.ts): its answer must carry exactly
// what respond.ts gives every answer (EAS headers, gzip when accepted and the body is not tiny,
// Content-Length, no chunking), and one log line per request, written when it is answered.

import test from 'ava';
import type { IncomingHttpHeaders } from 'node:http';
import { GZIP_MIN_BYTES } from '../../eas/http/respond.js';
import { encode } from '../../eas/wbxml/index.js';
import { deliver, ping, pingBody, pushWorld, readPing, syncAll, syncOnce, waitParked } from './helpers.js';

/** Headers that do not vary with the body or the time. */
function fixed(h: IncomingHttpHeaders): Record<string, unknown> {
  const { date: _date, 'content-length': _length, ...rest } = h;
  return rest;
}

for (const gzip of [true, false]) {
  test(`a woken Ping gets the headers of any other answer (${gzip ? 'gzip accepted' : 'identity'})`, async (t) => {
    const w = await pushWorld(t);
    const headers: Record<string, string | null> = gzip ? {} : { 'Accept-Encoding': null };
    // Answered through Koa: heartbeat out of range (Status 5) comes back at once.
    const atOnce = await w.phone.post('Ping', pingBody(0, [w.inbox]), { headers });
    t.is(readPing(atOnce).status, 5);

    const parked = w.phone.post('Ping', pingBody(300, [w.inbox]), { headers });
    await waitParked(w, w.phone);
    await deliver(w, 'wake');
    const woken = await parked;
    const r = readPing(woken);
    t.is(r.status, 2);
    t.deepEqual(r.folders, [w.inbox]);

    t.deepEqual(fixed(woken.headers), fixed(atOnce.headers));
    t.is(woken.headers['ms-server-activesync'], '16.1');
    t.is(woken.headers['content-type'], 'application/vnd.ms-sync.wbxml');
    t.is(woken.headers['cache-control'], 'private');
    t.is(woken.headers['transfer-encoding'], undefined);
    // The same bytes the Koa path would send: encode(tree). A Ping's answer is a few bytes,
    // under GZIP_MIN_BYTES: it goes out as it is even when gzip is accepted.
    t.true(woken.raw.length < GZIP_MIN_BYTES);
    t.false(woken.gzipped);
    t.true(woken.raw.equals(encode(woken.body!)));
    t.is(Number(woken.headers['content-length']), woken.raw.length);
  });
}

test('a woken Sync with Wait whose answer is large enough is gzipped, as a Koa answer is', async (t) => {
  t.timeout(15_000);
  const w = await pushWorld(t);
  // A long subject makes each answer carrying the message well over GZIP_MIN_BYTES.
  const subject = (n: number) => `Quarterly planning notes, part ${n}: ${'agenda and minutes '.repeat(12).trim()}`;
  const { syncKey } = await syncAll(w.phone, w.inbox);
  await deliver(w, subject(1));
  // Answered through Koa: the new message comes back at once.
  const atOnce = await syncOnce(w.phone, w.inbox, syncKey);
  t.deepEqual(atOnce.adds.map((a) => a.subject), [subject(1)]);
  t.true(atOnce.response.gzipped);

  const waiting = syncOnce(w.phone, w.inbox, atOnce.syncKey, { heartbeat: 300 });
  await waitParked(w, w.phone);
  await deliver(w, subject(2));
  const woken = await waiting;
  t.deepEqual(woken.adds.map((a) => a.subject), [subject(2)]);
  t.true(woken.response.gzipped);
  t.true(woken.response.raw.length >= GZIP_MIN_BYTES);
  t.deepEqual(fixed(woken.response.headers), fixed(atOnce.response.headers));
  t.is(woken.response.headers['content-encoding'], 'gzip');
  t.is(woken.response.headers['transfer-encoding'], undefined);
  t.true(Number(woken.response.headers['content-length']) > 0);
  t.true(woken.response.raw.equals(encode(woken.response.body!)));
});

test('a held Ping writes its one log line when it is answered, with its real duration', async (t) => {
  const lines: Array<{ msg: string; fields: Record<string, unknown> }> = [];
  const log = {
    info: (msg: string, fields: Record<string, unknown> = {}) => lines.push({ msg, fields }),
    warn() {}, error() {}, debug() {},
  };
  const w = await pushWorld(t, { log });
  const answer = ping(w.phone, 300, [w.inbox]);
  await waitParked(w, w.phone);
  const before = lines.filter((l) => l.msg === 'eas request' && l.fields.cmd === 'Ping').length;
  t.is(before, 0, 'no line while parked');
  await deliver(w, 'wake');
  t.is(readPing(await answer).status, 2);
  const pingLines = lines.filter((l) => l.msg === 'eas request' && l.fields.cmd === 'Ping');
  t.is(pingLines.length, 1);
  t.like(pingLines[0]!.fields, { method: 'POST', user: 'alice@example.com', device: 'PHONE0001', version: '16.1', status: 200 });
  t.true((pingLines[0]!.fields.ms as number) > 0);
});
