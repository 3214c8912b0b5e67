// Hostile HTTP input against the whole server on a real socket: each gets its clear answer
// (Status 102 / 400 / 413 / 415 / 431 / 408 / 501) and never a 500, and the server still serves
// a normal request afterwards.

import test from 'ava';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { createCommands } from '../../eas/commands/index.js';
import { encode } from '../../eas/wbxml/index.js';
import { el } from '../../eas/wbxml/tree.js';
import { createEasClient, type EasClient } from '../helpers/eas-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { captureLogger } from '../eas-http/harness.js';

const PASSWORD = 'hostile-pw';
const HEADER = [0x03, 0x01, 0x6a, 0x00];

async function setup(t: { teardown(fn: () => Promise<void> | void): void }, opts: Parameters<typeof startTestServer>[0] = {}) {
  const log = captureLogger();
  const s = await startTestServer({ log, ...opts });
  t.teardown(() => s.stop());
  await s.addUser('hana@example.com', PASSWORD);
  const client = (version = '16.1') => createEasClient({ port: s.httpPort, user: 'hana@example.com', password: PASSWORD, deviceId: 'HOSTILE1', version });
  return { s, log, client };
}

/** The server still answers a real client normally. */
async function stillServes(t: { is(a: unknown, b: unknown, m?: string): void }, c: EasClient): Promise<void> {
  const fresh = createEasClient({ ...c.opts });
  const res = await fresh.folderSync('0');
  t.is(res.response.status, 200, 'FolderSync after the attack');
  t.is(res.status, 1, 'FolderSync Status after the attack');
}

/** One raw exchange on a plain socket: resolves with everything received before the server closed. */
function rawExchange(port: number, data: string | Buffer, opts: { end?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (received += d));
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? resolve(received) : reject(err)));
    socket.on('close', () => resolve(received));
    socket.write(data);
    if (opts.end) socket.end();
  });
}

function noServerErrors(t: { deepEqual(a: unknown, b: unknown, m?: string): void }, log: ReturnType<typeof captureLogger>): void {
  t.deepEqual(
    log.lines.filter((l) => l.level === 'error').map((l) => `${l.msg} ${JSON.stringify(l.fields).slice(0, 300)}`),
    [],
    'no error logged (no 500)',
  );
}

test('WBXML bombs: deep nesting, huge declared lengths, string-table loops are Status 102 (14.0+) or 400 (12.1)', async (t) => {
  const { log, client } = await setup(t);
  const nested = Uint8Array.from([...HEADER, ...Array(5000).fill(0x45), ...Array(5000).fill(0x01)]);
  const bombs: Record<string, Buffer> = {
    'deep nesting': Buffer.from(nested),
    'opaque of 4 GiB declared': Buffer.from([...HEADER, 0x45, 0xc3, 0x8f, 0xff, 0xff, 0xff, 0x7f, 0x01]),
    'string table of 4 GiB declared': Buffer.from([0x03, 0x01, 0x6a, 0x8f, 0xff, 0xff, 0xff, 0x7f, 0x45, 0x01]),
    'mb_u_int32 that never ends': Buffer.from([...HEADER, 0x45, 0xc3, ...Array(64).fill(0xff)]),
    'inline string without terminator': Buffer.from([...HEADER, 0x45, 0x03, ...Buffer.alloc(100_000, 0x41)]),
    'string-table reference past the end': Buffer.from([0x03, 0x01, 0x6a, 0x02, 0x41, 0x00, 0x45, 0x83, 0x7f, 0x01]),
  };
  const modern = client('16.1');
  const legacy = client('12.1');
  for (const [name, body] of Object.entries(bombs)) {
    const res = await modern.post('FolderSync', body);
    t.is(res.status, 200, name);
    t.is(res.body?.textOf('Status'), '102', name);
    const old = await legacy.post('FolderSync', body);
    t.is(old.status, 400, `${name} at 12.1`);
  }
  noServerErrors(t, log);
  await stillServes(t, modern);
});

test('random bytes to every command: a clear answer (200 with a Status, 400, 501), never a 500', async (t) => {
  t.timeout(60_000);
  const { log, client } = await setup(t);
  const c = client('16.1');
  const old = client('12.1');
  const statuses = new Map<number, number>();
  for (const cmd of Object.keys(createCommands())) {
    for (let i = 0; i < 8; i++) {
      const bytes = i % 2 === 0 ? randomBytes(1 + i * 37) : Buffer.concat([Buffer.from(HEADER), randomBytes(i * 29)]);
      for (const who of [c, old]) {
        const res = await who.post(cmd, bytes);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        t.true([200, 400, 413, 501].includes(res.status), `${cmd} ${who.opts.version} → ${res.status}`);
      }
    }
  }
  t.log(Object.fromEntries(statuses));
  noServerErrors(t, log);
  await stillServes(t, c);
});

test('bodies over the limit are 413, whether declared or streamed', async (t) => {
  const { s, log, client } = await setup(t, { maxMessageSize: 1024 });
  const limit = s.server.deps.config.maxRequestBytes;
  const declared = await rawExchange(
    s.httpPort,
    `POST /Microsoft-Server-ActiveSync?Cmd=SendMail&User=hana&DeviceId=HOSTILE1&DeviceType=x HTTP/1.1\r\nHost: x\r\n` +
      `Authorization: Basic ${Buffer.from(`hana@example.com:${PASSWORD}`).toString('base64')}\r\n` +
      `Content-Type: message/rfc822\r\nContent-Length: ${limit + 1}\r\n\r\n`,
  );
  t.regex(declared, /^HTTP\/1\.1 413 /);
  const streamed = await client('14.1').post('SendMail', Buffer.alloc(limit + 4096, 0x41), { contentType: 'message/rfc822', headers: {} });
  t.is(streamed.status, 413);
  noServerErrors(t, log);
  await stillServes(t, client());
});

test('a body of another Content-Type is 415; unknown, unoffered and missing parameters are 400 / 501', async (t) => {
  const { log, client } = await setup(t);
  const c = client();
  t.is((await c.post('FolderSync', Buffer.from('{"SyncKey":"0"}'), { contentType: 'application/json' })).status, 415);
  t.is((await c.post('FolderSync', Buffer.from('<html/>'), { contentType: 'text/html' })).status, 415);
  // The types real clients send are fine.
  for (const type of ['application/vnd.ms-sync.wbxml', 'application/vnd.ms-sync', 'application/vnd.ms-sync.wbxml; charset=utf-8']) {
    const res = await createEasClient({ ...c.opts }).post('FolderSync', Buffer.from(encode(el('FolderHierarchy:FolderSync', [el('FolderHierarchy:SyncKey', '0')]))), { contentType: type });
    t.is(res.status, 200, type);
    t.is(res.body?.textOf('Status'), '1', type);
  }
  t.is((await c.post('NoSuchCommand', null)).status, 400);
  t.is((await c.post('Notify', null)).status, 501, 'a Cmd of MS-ASCMD that we do not offer');
  const base = 'User=hana&DeviceType=x';
  t.is((await c.post('FolderSync', null, { rawQuery: `${base}&DeviceId=HOSTILE1` })).status, 400, 'no Cmd');
  t.is((await c.post('FolderSync', null, { rawQuery: `Cmd=FolderSync&${base}` })).status, 400, 'no DeviceId');
  t.is((await c.post('FolderSync', null, { rawQuery: `Cmd=FolderSync&${base}&DeviceId=${'x'.repeat(500)}` })).status, 400, 'DeviceId too long');
  t.is((await c.post('FolderSync', null, { rawQuery: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' })).status, 400, 'garbage base64 query');
  t.is((await c.post('FolderSync', null, { headers: { 'MS-ASProtocolVersion': '99.9' } })).status, 400, 'unknown version');
  t.is((await c.post('FolderSync', null, { headers: { 'X-MS-PolicyKey': 'abc' } })).status, 400, 'malformed policy key');
  noServerErrors(t, log);
  await stillServes(t, c);
});

test('request headers past 16 KiB are 431', async (t) => {
  const { s, log, client } = await setup(t);
  const answer = await rawExchange(s.httpPort, `OPTIONS /Microsoft-Server-ActiveSync HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
  t.regex(answer, /^HTTP\/1\.1 431 /);
  noServerErrors(t, log);
  await stillServes(t, client());
});

test('a client that dribbles its headers is cut off (408) when the headers timeout passes; others are served meanwhile', async (t) => {
  // Tight enough to keep the test short, loose enough that the honest client beside it is never
  // caught by it on a loaded machine (the deadline counts from the connection, in the server's loop).
  const { s, log, client } = await setup(t, { httpLimits: { headersMs: 2000, requestMs: 4000, checkIntervalMs: 200 } });
  const slow = new Promise<string>((resolve) => {
    const socket = net.connect(s.httpPort, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (received += d));
    socket.on('error', () => resolve(received));
    socket.on('close', () => resolve(received));
    socket.write('OPTIONS /Microsoft-Server-ActiveSync HTTP/1.1\r\nHost: x\r\n');
  });
  await stillServes(t, client());
  const answer = await slow;
  t.regex(answer, /^HTTP\/1\.1 408 /);
  noServerErrors(t, log);
});
