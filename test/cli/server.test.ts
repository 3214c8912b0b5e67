// createServer(), the composition root, in-process: delivery wakes a parked Ping through the
// store's feed; close() answers parked requests and lets a message in DATA finish first.

import test from 'ava';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { el } from '../../eas/wbxml/tree.js';
import { openStoreAt } from '../../store/open.js';
import { FolderType } from '../../store/types.js';
import { createEasClient } from '../helpers/eas-client.js';
import { startTestServer } from '../helpers/server.js';
import { sendMail } from '../helpers/swaks.js';
import { mail } from '../helpers/items.js';

const PASSWORD = 'pw-for-tests';

function pingBody(folderId: string, heartbeat: number) {
  return el('Ping:Ping', [
    el('Ping:HeartbeatInterval', heartbeat),
    el('Ping:Folders', [el('Ping:Folder', [el('Ping:Id', folderId), el('Ping:Class', 'Email')])]),
  ]);
}

/** Resolves once the registry holds `n` parked requests (checked on each event-loop turn). */
async function parked(server: { push: { size(): number } }, n: number): Promise<void> {
  while (server.push.size() !== n) await new Promise((resolve) => setImmediate(resolve));
}

test('a message delivered over SMTP answers the parked Ping at once', async (t) => {
  const s = await startTestServer();
  t.teardown(() => s.stop());
  await s.addUser('erin@example.com', PASSWORD);
  const phone = createEasClient({ port: s.httpPort, user: 'erin@example.com', password: PASSWORD, deviceId: 'erinphone1' });
  const inbox = await phone.inboxId();

  const ping = phone.post('Ping', pingBody(inbox, 600));
  await parked(s.server, 1);
  const sent = await sendMail({ port: s.smtpPort, to: 'erin@example.com', subject: 'wake up', body: 'now' });
  t.is(sent.code, 0);

  const res = await ping;
  t.is(res.status, 200);
  t.is(res.body?.textOf('Ping:Status'), '2');
  t.deepEqual(res.body?.path('Ping:Folders')?.all('Ping:Folder').map((f) => f.text), [inbox]);
  t.is(s.server.push.size(), 0);
});

test('close(): parked Pings are answered, a message already in DATA is still delivered, then the DB closes', async (t) => {
  const s = await startTestServer();
  t.teardown(() => s.stop());
  const frank = await s.addUser('frank@example.com', PASSWORD);
  const phone = createEasClient({ port: s.httpPort, user: 'frank@example.com', password: PASSWORD, deviceId: 'frankphone1' });
  const inbox = await phone.inboxId();
  const ping = phone.post('Ping', pingBody(inbox, 600));
  await parked(s.server, 1);

  // An SMTP client in the middle of DATA when the shutdown starts.
  const socket = net.connect(s.smtpPort, '127.0.0.1');
  let replies = '';
  const waitFor = (pattern: RegExp): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (pattern.test(replies)) {
          socket.off('data', check);
          resolve();
        }
      };
      socket.on('data', check);
      check();
    });
  socket.setEncoding('utf8').on('data', (d: string) => (replies += d));
  await waitFor(/^220 /m);
  socket.write('EHLO client.test\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<frank@example.com>\r\nDATA\r\n');
  await waitFor(/^354 /m);
  socket.write('Subject: in flight\r\n\r\nfirst half\r\n');

  const closing = s.server.close();
  const answered = await ping;
  t.is(answered.status, 200);
  t.is(answered.body?.textOf('Ping:Status'), '1', 'shutdown answers "no changes" so the phone simply pings again');

  socket.write('second half\r\n.\r\n');
  await waitFor(/^250 .*Delivered/m);
  await waitFor(/^421 /m);
  await closing;

  const reopened = await openStoreAt(s.storeLocation);
  t.teardown(async () => await reopened.close());
  const folder = (await reopened.folderByType(frank.id, FolderType.Inbox))!;
  t.deepEqual((await reopened.listItems(frank.id, folder.id)).map((i) => mail(i).summary.subject), ['in flight']);
  await t.throwsAsync(async () => await s.store.listAccounts(), undefined, 'the server closed its database');
});

test('EasDeps.deliverLocal is wired to the same delivery path (MDA headers, feed)', async (t) => {
  const s = await startTestServer({ lmtp: true });
  t.teardown(() => s.stop());
  const gina = await s.addUser('gina@example.com', PASSWORD);
  t.true(s.lmtpPort > 0);
  t.is(s.server.deps.relay, null, 'no smarthost: nothing can leave the server');
  const inbox = (await s.store.folderByType(gina.id, FolderType.Inbox))!;
  const kinds: string[] = [];
  s.store.feed.subscribe(gina.id, [inbox.id], (_folder, kind) => kinds.push(kind));

  await s.server.deps.deliverLocal({ from: 'phone@example.com', to: ['gina@example.com'] }, Buffer.from('Subject: local\r\n\r\nhi\r\n'));
  const [item] = await s.store.listItems(gina.id, inbox.id);
  t.is(mail(item).summary.subject, 'local');
  t.true((await s.store.getBody(gina.id, item!.id))!.raw.toString().startsWith('Return-Path: <phone@example.com>\r\nDelivered-To: gina@example.com\r\n'));
  t.deepEqual(kinds, ['add']);
});

test('with a certificate: STARTTLS on SMTP and HTTPS for EAS', async (t) => {
  const read = (name: string): Buffer => readFileSync(new URL(`../fixtures/mail/${name}`, import.meta.url));
  const s = await startTestServer({ tls: { cert: read('test-cert.pem'), key: read('test-key.pem') } });
  t.teardown(() => s.stop());
  const hana = await s.addUser('hana@example.com', PASSWORD);

  const sent = await sendMail({ port: s.smtpPort, to: 'hana@example.com', subject: 'secure', body: 'x', args: ['--tls'] });
  t.is(sent.code, 0, sent.stdout);
  t.regex(sent.stdout, /250-STARTTLS/);
  t.regex(sent.stdout, /=== TLS started/);
  t.is(await s.store.countItems(hana.id, (await s.store.folderByType(hana.id, FolderType.Inbox))!.id), 1);

  const phone = createEasClient({ port: s.httpPort, user: 'hana@example.com', password: PASSWORD, deviceId: 'hanaphone1', tls: true });
  const res = await phone.options();
  t.is(res.status, 200);
  t.truthy(res.headers['ms-asprotocolversions']);
});
