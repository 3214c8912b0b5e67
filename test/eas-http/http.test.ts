import net from 'node:net';
import http from 'node:http';
import test from 'ava';
import { createCommands } from '../../eas/commands/index.js';
import type { CommandSpec } from '../../eas/commands/types.js';
import { EasHttpError } from '../../eas/http/errors.js';
import { GZIP_MIN_BYTES } from '../../eas/http/respond.js';
import { el } from '../../eas/wbxml/tree.js';
import { folderSync } from '../../eas/commands/folder-sync.js';
import { settings } from '../../eas/commands/settings.js';
import { startEas } from './harness.js';

const ALICE = { user: 'alice@example.com', password: 'alice-secret-pw', deviceId: 'dev-alice-1' };

test('OPTIONS advertises versions, exactly the table commands, X-AspNet-Version', async (t) => {
  const h = await startEas(t);
  await h.addUser(ALICE.user, ALICE.password);
  const res = await h.client(ALICE).options();
  t.is(res.status, 200);
  t.is(res.headers['ms-asprotocolversions'], '2.5,12.0,12.1,14.0,14.1,16.0,16.1');
  t.deepEqual(String(res.headers['ms-asprotocolcommands']).split(',').sort(), Object.keys(createCommands()).sort());
  t.truthy(res.headers['x-aspnet-version']);
  t.truthy(res.headers['ms-server-activesync']);
  t.is(res.headers['content-type'], 'application/vnd.ms-sync.wbxml');
  t.is(res.headers['content-length'], '0');
});

test('OPTIONS without credentials is 401 with a Basic challenge', async (t) => {
  const h = await startEas(t);
  const res = await h.client({ ...ALICE, password: 'x' }).options({ headers: { Authorization: null } });
  t.is(res.status, 401);
  t.regex(String(res.headers['www-authenticate']), /^Basic /);
  t.truthy(res.headers['ms-server-activesync']);
});

test('auth forms: address, any case, DOMAIN\\user, plain name, ISO-8859-1', async (t) => {
  const h = await startEas(t);
  await h.addUser('alice@example.com', 'pässwörd');
  await h.addUser('bob@other.org', 'bob-pw');
  const ok = async (user: string, authBytes?: Buffer) => {
    const c = h.client({ user, password: 'pässwörd', deviceId: 'dev-forms' });
    const headers: Record<string, string> = authBytes ? { Authorization: `Basic ${authBytes.toString('base64')}` } : {};
    const res = await c.post('FolderSync', el('FolderHierarchy:FolderSync', [el('FolderHierarchy:SyncKey', '0')]), { headers });
    return res.status;
  };
  t.is(await ok('alice@example.com'), 200);
  t.is(await ok('ALICE@Example.COM'), 200);
  t.is(await ok('EXAMPLE\\alice'), 200);
  t.is(await ok('example.com\\alice'), 200);
  t.is(await ok('alice'), 200);
  t.is(await ok('alice', Buffer.from('alice@example.com:pässwörd', 'latin1')), 200, 'Outlook sends ISO-8859-1');
});

test('a wrong password, an unknown user or an ambiguous name is 401, never 403', async (t) => {
  const h = await startEas(t);
  await h.addUser('alice@example.com', 'right');
  await h.addUser('alice@other.org', 'right');
  const body = el('FolderHierarchy:FolderSync', [el('FolderHierarchy:SyncKey', '0')]);
  for (const [user, password] of [
    ['alice@example.com', 'wrong'],
    ['nobody@example.com', 'right'],
    ['alice', 'right'],
  ] as const) {
    const res = await h.client({ user, password, deviceId: 'd' }).post('FolderSync', body);
    t.is(res.status, 401, `${user}/${password}`);
    t.regex(String(res.headers['www-authenticate']), /^Basic realm=/);
    t.truthy(res.headers['ms-server-activesync']);
  }
  const garbage = await h.client({ ...ALICE }).post('FolderSync', body, { headers: { Authorization: 'Basic !!!' } });
  t.is(garbage.status, 401);
  t.is((await h.store.listDevices()).length, 0, 'nothing recorded for failed logins');
});

test('the User parameter never selects another account', async (t) => {
  const h = await startEas(t);
  await h.addUser(ALICE.user, ALICE.password);
  await h.addUser('bob@example.com', 'bob-pw');
  const c = h.client(ALICE);
  const res = await c.post('Settings', el('Settings:Settings', [el('Settings:UserInformation', [el('Settings:Get')])]), {
    rawQuery: 'Cmd=Settings&User=bob%40example.com&DeviceId=dev-alice-1&DeviceType=Phone',
  });
  t.is(res.status, 200);
  const addresses = res.body?.path('UserInformation', 'Get', 'Accounts', 'Account', 'EmailAddresses');
  t.is(addresses?.textOf('PrimarySmtpAddress'), 'alice@example.com');
  const bob = (await h.store.findAccount('bob@example.com'))!;
  t.is((await h.store.listDevices(bob.id)).length, 0);
  t.is((await h.store.listDevices((await h.store.findAccount(ALICE.user))!.id)).length, 1);
});

test('base64 query from the client, and Windows Mail\'s captured query string', async (t) => {
  const h = await startEas(t);
  await h.addUser(ALICE.user, ALICE.password);
  const c = h.client({ ...ALICE, base64Query: true, deviceType: 'iPhone' });
  const fs = await c.folderSync();
  t.is(fs.status, 1);
  t.true(fs.added.length >= 10);

  const wm = h.client({ ...ALICE });
  const res = await wm.post(
    'Settings',
    el('Settings:Settings', [el('Settings:Oof', [el('Settings:Get', [el('Settings:BodyType', 'TEXT')])])]),
    { rawQuery: 'oREHBBA04HKKtWjKEFxAc0UHjCybBAAAAAALV2luZG93c01haWw=', contentType: 'application/vnd.ms-sync' },
  );
  t.is(res.status, 200);
  t.is(res.body?.path('Oof')?.intOf('Status'), 1);
  const account = (await h.store.findAccount(ALICE.user))!;
  const device = await h.store.getDevice(account.id, '34e0728ab568ca105c407345078c2c9b');
  t.is(device?.deviceType, 'WindowsMail');
  t.is(device?.protocolVersion, '16.1');
});

test('every command records the device: type, user agent, version', async (t) => {
  const h = await startEas(t);
  await h.addUser(ALICE.user, ALICE.password);
  await h.client({ ...ALICE, deviceType: 'Android', version: '14.1', userAgent: 'Nine/4.9' }).folderSync();
  const d = await h.store.getDevice((await h.store.findAccount(ALICE.user))!.id, ALICE.deviceId);
  t.is(d?.deviceType, 'Android');
  t.is(d?.userAgent, 'Nine/4.9');
  t.is(d?.protocolVersion, '14.1');
});

test('gzip when accepted, with Content-Length; identity otherwise', async (t) => {
  const h = await startEas(t);
  await h.addUser(ALICE.user, ALICE.password);
  const c = h.client(ALICE);
  const zipped = await c.folderSync('0');
  t.true(zipped.response.gzipped);
  t.truthy(zipped.response.headers['content-length']);
  t.is(zipped.response.headers['transfer-encoding'], undefined);
  t.is(zipped.status, 1);
  const plain = await c.post('FolderSync', el('FolderHierarchy:FolderSync', [el('FolderHierarchy:SyncKey', '0')]), {
    headers: { 'Accept-Encoding': null },
  });
  t.false(plain.gzipped);
  t.is(Number(plain.headers['content-length']), plain.raw.length);
  t.is(plain.body?.intOf('Status'), 1);
});

test('a tiny answer goes out as it is even when gzip is accepted (GZIP_MIN_BYTES)', async (t) => {
  const h = await startEas(t);
  await h.addUser(ALICE.user, ALICE.password);
  const c = h.client(ALICE);
  // A Ping with no folders and none remembered: Status 3, a few bytes of WBXML.
  const r = await c.post('Ping', el('Ping:Ping', [el('Ping:HeartbeatInterval', '300')]));
  t.is(r.body?.intOf('Status'), 3);
  t.true(r.raw.length < GZIP_MIN_BYTES);
  t.false(r.gzipped);
  t.is(r.headers['content-encoding'], undefined);
  t.is(Number(r.headers['content-length']), r.raw.length);
  t.is(r.headers['ms-server-activesync'], '16.1');
});

test('413 past maxRequestBytes, declared or streamed, and the server keeps serving', async (t) => {
  const h = await startEas(t, { config: { maxRequestBytes: 2000 } });
  await h.addUser(ALICE.user, ALICE.password);
  const c = h.client(ALICE);
  const big = await c.post('FolderSync', Buffer.alloc(5000, 1));
  t.is(big.status, 413);
  t.truthy(big.headers['ms-server-activesync']);

  // Chunked: no Content-Length, the limit is found while reading.
  const status = await new Promise<number>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1', port: h.port, method: 'POST',
        path: '/Microsoft-Server-ActiveSync?Cmd=FolderSync&User=a&DeviceId=dev-alice-1&DeviceType=T',
        headers: {
          Authorization: `Basic ${Buffer.from(`${ALICE.user}:${ALICE.password}`).toString('base64')}`,
          'MS-ASProtocolVersion': '16.1', 'Content-Type': 'application/vnd.ms-sync.wbxml',
        },
        agent: false,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.write(Buffer.alloc(1500));
    req.end(Buffer.alloc(1500));
  });
  t.is(status, 413);
  t.is((await c.folderSync('0')).status, 1);
});

test('EAS headers on every error: 404, 405, 400, 501, unknown command', async (t) => {
  const h = await startEas(t, { commands: { FolderSync: folderSync } });
  await h.addUser(ALICE.user, ALICE.password);
  const c = h.client(ALICE);
  const cases: [number, Promise<{ status: number; headers: http.IncomingHttpHeaders }>][] = [
    [400, c.post('FolderSync', null, { rawQuery: 'x' })],
    [400, c.post('FolderSync', null, { rawQuery: 'Cmd=FolderSync&User=a&DeviceType=T' })],
    [400, c.post('NoSuchThing', null)],
    [501, c.post('MeetingResponse', null)],
    [400, c.post('FolderSync', null, { headers: { 'MS-ASProtocolVersion': '2.0' } })],
  ];
  const wrongPath = await new Promise<http.IncomingMessage>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: h.port, path: '/elsewhere', agent: false }, resolve).on('error', reject);
  });
  wrongPath.resume();
  t.is(wrongPath.statusCode, 404);
  t.truthy(wrongPath.headers['ms-server-activesync']);
  const get = await new Promise<http.IncomingMessage>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: h.port, path: '/Microsoft-Server-ActiveSync', agent: false }, resolve).on('error', reject);
  });
  get.resume();
  t.is(get.statusCode, 405);
  t.truthy(get.headers['ms-server-activesync']);
  for (const [want, p] of cases) {
    const res = await p;
    t.is(res.status, want);
    t.truthy(res.headers['ms-server-activesync']);
    t.is(res.headers['content-type'], 'application/vnd.ms-sync.wbxml');
  }
});

test('malformed WBXML: Status 102 from 14.0, 400 below, never 500; the next request works', async (t) => {
  const h = await startEas(t);
  await h.addUser(ALICE.user, ALICE.password);
  const c16 = h.client(ALICE);
  const junk = Buffer.from([0x03, 0x01, 0x6a, 0x00, 0x00, 0x07, 0x56, 0x52, 0x03, 0x30]);
  const r16 = await c16.post('FolderSync', junk);
  t.is(r16.status, 200);
  t.is(r16.body?.tag, 'FolderHierarchy:FolderSync');
  t.is(r16.body?.intOf('Status'), 102);
  const c12 = h.client({ ...ALICE, version: '12.1' });
  t.is((await c12.post('Settings', Buffer.from('not wbxml at all'))).status, 400);
  t.is((await c16.post('Provision', Buffer.from([0x03, 0x01]))).body?.intOf('Status'), 102);
  t.is((await c16.folderSync('0')).status, 1);
  t.false(h.log.lines.some((l) => l.fields.status === 500));
});

test('empty results carry the wbxml type; thrown errors render once; bugs are 500 and logged', async (t) => {
  const table: Record<string, CommandSpec> = {
    Sync: { name: 'Sync', needsProvisioning: true, wbxmlBody: true, handler: async () => ({ kind: 'empty' }) },
    Search: {
      name: 'Search', needsProvisioning: true, wbxmlBody: true,
      handler: async () => { throw new EasHttpError(503, 'busy', { 'Retry-After': '30' }); },
    },
    Ping: {
      name: 'Ping', needsProvisioning: true, wbxmlBody: true,
      handler: async () => { throw new TypeError('a bug'); },
    },
  };
  const h = await startEas(t, { commands: table });
  await h.addUser(ALICE.user, ALICE.password);
  const c = h.client(ALICE);
  const empty = await c.post('Sync', null);
  t.is(empty.status, 200);
  t.is(empty.headers['content-type'], 'application/vnd.ms-sync.wbxml');
  t.is(empty.headers['content-length'], '0');
  const busy = await c.post('Search', null);
  t.is(busy.status, 503);
  t.is(busy.headers['retry-after'], '30');
  const bug = await c.post('Ping', null);
  t.is(bug.status, 500);
  t.truthy(bug.headers['ms-server-activesync']);
  t.true(h.log.lines.some((l) => l.level === 'error' && l.fields.error === 'a bug'));
});

test('one log line per request with cmd, user, device, status, ms; never the password', async (t) => {
  const h = await startEas(t);
  await h.addUser(ALICE.user, ALICE.password);
  const c = h.client(ALICE);
  await c.folderSync('0');
  await h.client({ ...ALICE, password: 'wrong-password-here' }).folderSync('0');
  const lines = h.log.lines.filter((l) => l.msg === 'eas request');
  t.is(lines.length, 2);
  t.like(lines[0]!.fields, { cmd: 'FolderSync', user: ALICE.user, device: ALICE.deviceId, status: 200 });
  t.is(typeof lines[0]!.fields.ms, 'number');
  t.like(lines[1]!.fields, { status: 401, user: ALICE.user, cmd: 'FolderSync', device: ALICE.deviceId });
  const all = JSON.stringify(h.log.lines);
  t.false(all.includes(ALICE.password));
  t.false(all.includes('wrong-password-here'));
});

test('the command signal aborts when the client goes away; concurrent long polls run', async (t) => {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const aborted: string[] = [];
  let onAborted!: () => void;
  const sawAbort = new Promise<void>((r) => (onAborted = r));
  let parked = 0;
  let onParked!: () => void;
  const twoParked = new Promise<void>((r) => (onParked = r));
  const longPoll: CommandSpec = {
    name: 'Ping', needsProvisioning: true, wbxmlBody: true,
    handler: async (ctx) => {
      if (++parked === 2) onParked();
      await new Promise<void>((resolve) => {
        ctx.signal.addEventListener('abort', () => {
          aborted.push(ctx.device.deviceId);
          onAborted();
          resolve();
        });
        void released.then(resolve);
      });
      return { kind: 'wbxml', body: el('Ping:Ping', [el('Ping:Status', 1)]) };
    },
  };
  const h = await startEas(t, { commands: { Ping: longPoll, Settings: settings } });
  await h.addUser(ALICE.user, ALICE.password);
  const a = h.client({ ...ALICE, deviceId: 'phone-a' });
  const b = h.client({ ...ALICE, deviceId: 'phone-b' });
  const ac = new AbortController();
  const pa = a.post('Ping', null, { signal: ac.signal });
  const pb = b.post('Ping', null);
  await twoParked;
  // A third request is served while two are parked.
  const quick = await a.post('Settings', el('Settings:Settings', [el('Settings:UserInformation', [el('Settings:Get')])]));
  t.is(quick.status, 200);
  ac.abort();
  await t.throwsAsync(pa);
  await sawAbort;
  release();
  const rb = await pb;
  t.is(rb.body?.intOf('Status'), 1);
  t.deepEqual(aborted, ['phone-a']);
});

test('server timeouts: a long answer is not cut; slow headers are', async (t) => {
  let finish!: () => void;
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  const slow: CommandSpec = {
    name: 'Ping', needsProvisioning: true, wbxmlBody: true,
    handler: async () => {
      const held = new Promise<void>((r) => (finish = r));
      started();
      await held;
      return { kind: 'empty' };
    },
  };
  const h = await startEas(t, {
    commands: { Ping: slow },
    server: { timeouts: { headersMs: 200, requestMs: 300, keepAliveMs: 200, checkIntervalMs: 50 } },
  });
  await h.addUser(ALICE.user, ALICE.password);
  const pending = h.client(ALICE).post('Ping', null);
  // The wait is the thing under test: several times requestTimeout + the check interval,
  // counted from when the handler holds the request (a loaded machine may take a while to get there).
  await running;
  setTimeout(() => finish(), 1200);
  t.is((await pending).status, 200);

  const closed = await new Promise<string>((resolve) => {
    const sock = net.connect(h.port, '127.0.0.1', () => sock.write('POST /Microsoft-Server-ActiveSync HTTP/1.1\r\nHost: x\r\n'));
    let got = '';
    sock.on('data', (d) => (got += d.toString('latin1')));
    sock.on('close', () => resolve(got));
  });
  t.regex(closed, /^HTTP\/1\.1 408/);
});
