// A parked Ping is answered outside Koa (eas/http/long-poll.ts): its answer must carry exactly
// what respond.ts gives every answer (EAS headers, gzip when accepted, Content-Length, no
// chunking), and one log line per request, written when it is answered.

import test from 'ava';
import type { IncomingHttpHeaders } from 'node:http';
import { gzipSync } from 'node:zlib';
import { encode } from '../../eas/wbxml/index.js';
import { deliver, ping, pingBody, pushWorld, readPing, waitParked } from './helpers.js';

/** Headers that do not vary with the body or the time. */
function fixed(h: IncomingHttpHeaders): Record<string, unknown> {
  const { date: _date, 'content-length': _length, ...rest } = h;
  return rest;
}

for (const gzip of [true, false]) {
  test(`a woken Ping gets the headers of any other answer (${gzip ? 'gzip' : 'identity'})`, async (t) => {
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
    t.is(woken.gzipped, gzip);
    const wire = gzip ? gzipSync(woken.raw) : woken.raw;
    // The same bytes the Koa path would send: encode(tree), gzipped when accepted.
    t.true(woken.raw.equals(encode(woken.body!)));
    if (!gzip) t.is(Number(woken.headers['content-length']), wire.length);
    else t.true(Number(woken.headers['content-length']) > 0);
  });
}

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
