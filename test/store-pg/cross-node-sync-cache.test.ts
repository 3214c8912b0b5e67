// The last full Sync request of a device is kept in a shared PostgreSQL store (MS-ASCMD
// 2.2.1.21.1 empty Sync, 2.2.3.131 Partial; eas/sync/request-cache.ts, docs/postgres.md "Rules
// across nodes"): an empty or Partial Sync reaching the other node completes from it, with the
// latest SyncKey, instead of Status 13.

import type { ExecutionContext } from 'ava';
import { el } from '../../eas/wbxml/tree.js';
import { createEasClient, type EasClient, type EasResponse } from '../helpers/eas-client.js';
import { pgDatabase, pgTest as test } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { sendMail } from '../helpers/swaks.js';
import { syncAll } from '../push/helpers.js';

const USER = 'alice@example.com';
const PASSWORD = 'secret-for-tests';

async function twoNodes(t: ExecutionContext): Promise<{ a: TestServer; b: TestServer }> {
  const db = await pgDatabase(t, { migrated: true });
  const a = await startTestServer({ store: db.url, parseWorkers: 0 });
  t.teardown(() => a.stop());
  const b = await startTestServer({ store: db.url, parseWorkers: 0 });
  t.teardown(() => b.stop());
  await a.addUser(USER, PASSWORD);
  return { a, b };
}

const phoneOn = (node: TestServer): EasClient => createEasClient({ port: node.httpPort, user: USER, password: PASSWORD, deviceId: 'PHONE0001' });

async function deliver(node: TestServer, subject: string): Promise<void> {
  const r = await sendMail({ port: node.smtpPort, to: USER, subject, body: `Body of ${subject}` });
  if (r.code !== 0) throw new Error(`swaks failed (${r.code}): ${r.stdout}${r.stderr}`);
}

function collectionOf(r: EasResponse): { status: number; syncKey: string; collectionId: string; subjects: string[] } {
  if (r.status !== 200) throw new Error(`Sync: HTTP ${r.status}`);
  const c = r.body?.path('Collections', 'Collection');
  if (!c) throw new Error(`no collection in the answer (Sync Status ${r.body?.intOf('Status')})`);
  return {
    status: c.intOf('Status') ?? NaN,
    syncKey: c.textOf('SyncKey') ?? '',
    collectionId: c.textOf('CollectionId') ?? '',
    subjects: (c.child('Commands')?.all('Add') ?? []).map((a) => a.child('ApplicationData')?.textOf('Email:Subject') ?? ''),
  };
}

test('an empty Sync on node B completes from the full one sent to node A, with the latest SyncKey', async (t) => {
  const { a, b } = await twoNodes(t);
  const onA = phoneOn(a);
  const inbox = await onA.inboxId();
  // The last full request, on A: the Inbox at its latest key.
  const { syncKey } = await syncAll(onA, inbox);

  await deliver(a, 'first');
  const first = collectionOf(await phoneOn(b).post('Sync', null));
  t.is(first.status, 1);
  t.is(first.collectionId, inbox);
  t.deepEqual(first.subjects, ['first']);
  t.not(first.syncKey, syncKey);

  // Again on A, empty: the key B handed out is the one used (no Status 3), nothing twice.
  await deliver(b, 'second');
  const second = collectionOf(await onA.post('Sync', null));
  t.is(second.status, 1);
  t.deepEqual(second.subjects, ['second']);
});

test('a Partial Sync on node B inherits the collections of the full one sent to node A', async (t) => {
  const { a, b } = await twoNodes(t);
  const onA = phoneOn(a);
  const inbox = await onA.inboxId();
  await syncAll(onA, inbox);
  await deliver(b, 'for the partial one');
  const r = collectionOf(await phoneOn(b).post('Sync', el('AirSync:Sync', [el('AirSync:Partial')])));
  t.is(r.status, 1);
  t.is(r.collectionId, inbox);
  t.deepEqual(r.subjects, ['for the partial one']);
});

test('a device that never sent a full Sync still gets Status 13 on either node', async (t) => {
  const { a, b } = await twoNodes(t);
  const phone = phoneOn(a);
  await phone.inboxId();
  for (const node of [a, b]) {
    const r = await phoneOn(node).post('Sync', null);
    t.is(r.status, 200);
    t.is(r.body?.intOf('Status'), 13);
  }
});
