// Two `serve` nodes on one PostgreSQL database, as a phone meets them behind a load balancer
// (issue #17 point 3; docs/push.md rule 3, docs/postgres.md "Parked elsewhere"):
// - a newer Ping or Sync with Wait of a device on one node ends the older one parked on the other
//   (Ping Status 1, Sync an empty 200), whichever node each is on;
// - a device whose requests alternate between the nodes syncs on: its SyncKeys continue, with no
//   Status 3 or 9, no item twice and none missing.
//
// No answer is waited for on a clock. A request counts as parked once the node recorded it in the
// device's push history, which the registry does only after the other nodes were told of it; a
// mail is then delivered through the node of the newer request, whose commit reaches the other
// node behind the announcement on the bus. Were the older request still parked there, that mail
// would answer it Status 2 (or with the mail): a wrong implementation fails on an assertion, at
// once, and the heartbeats (NEVER) are never reached.

import type { ExecutionContext } from 'ava';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { FolderType, type Account } from '../../store/types.js';
import { createEasClient, type EasClient, type EasResponse } from '../helpers/eas-client.js';
import { pgDatabase, pgTest as test } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { sendMail } from '../helpers/swaks.js';
import { ping, readChange, deleteCommand, readPing, syncAll, syncOnce, until } from '../push/helpers.js';

/** A heartbeat no test reaches (seconds; Sync Wait in minutes below). */
const NEVER = 3000;
const NEVER_MINUTES = 50;
const USER = 'alice@example.com';
const PASSWORD = 'secret-for-tests';

interface Nodes {
  a: TestServer;
  b: TestServer;
  alice: Account;
}

async function twoNodes(t: ExecutionContext): Promise<Nodes> {
  const db = await pgDatabase(t, { migrated: true });
  // MIME parsing on the delivery thread: push does not depend on where the parse runs.
  const a = await startTestServer({ store: db.url, parseWorkers: 0 });
  t.teardown(() => a.stop());
  const b = await startTestServer({ store: db.url, parseWorkers: 0 });
  t.teardown(() => b.stop());
  const alice = await a.addUser(USER, PASSWORD);
  return { a, b, alice };
}

/** The phone's requests to `node` (the same device on every node: one DeviceId). */
function phoneOn(node: TestServer, deviceId = 'PHONE0001'): EasClient {
  return createEasClient({ port: node.httpPort, user: USER, password: PASSWORD, deviceId });
}

async function deliver(node: TestServer, subject: string): Promise<void> {
  const r = await sendMail({ port: node.smtpPort, to: USER, subject, body: `Body of ${subject}` });
  if (r.code !== 0) throw new Error(`swaks failed (${r.code}): ${r.stdout}${r.stderr}`);
}

async function deviceRowId(n: Nodes, deviceId = 'PHONE0001'): Promise<number> {
  const device = await n.a.store.getDevice(n.alice.id, deviceId);
  if (!device) throw new Error(`no device ${deviceId}`);
  return device.id;
}

/**
 * Resolves once the device's push history holds `count` entries, the last being `request`,
 * parked: a node records a request only once it is parked and the other nodes were told.
 * Fails at once if the request is answered instead.
 */
async function parks(n: Nodes, count: number, request: Promise<EasResponse>, what: string): Promise<void> {
  let answered = false;
  request.then(
    () => (answered = true),
    () => (answered = true),
  );
  const device = await deviceRowId(n);
  await until(async () => answered || (await n.a.store.pushHistory(device, 50)).length >= count, `${what} parked`, 30_000);
  if (answered) {
    const r = await request;
    throw new Error(`${what} was answered (HTTP ${r.status}, ${r.raw.length} bytes) instead of parking`);
  }
}

for (const [olderOn, newerOn] of [
  ['b', 'a'],
  ['a', 'b'],
] as const) {
  test(`a newer Ping on node ${newerOn.toUpperCase()} ends the older one parked on node ${olderOn.toUpperCase()} with Status 1, before anything is delivered`, async (t) => {
    const n = await twoNodes(t);
    const older = phoneOn(n[olderOn]);
    const inbox = await older.inboxId();
    const { syncKey } = await syncAll(older, inbox);

    const first = ping(older, NEVER, [inbox]);
    await parks(n, 1, first, `the Ping on ${olderOn}`);
    const newer = phoneOn(n[newerOn]);
    const second = ping(newer, NEVER, [inbox]);
    await parks(n, 2, second, `the Ping on ${newerOn}`);

    await deliver(n[newerOn], 'after the newer Ping');
    const o = readPing(await first);
    t.is(o.status, 1, 'the older Ping ended as superseded, not woken by the mail');
    t.deepEqual(o.folders, []);
    const w = readPing(await second);
    t.is(w.status, 2);
    t.deepEqual(w.folders, [inbox]);
    t.is(n.a.server.push.size(), 0);
    t.is(n.b.server.push.size(), 0);

    const sync = await syncOnce(older, inbox, syncKey);
    t.is(sync.status, 1);
    t.deepEqual(sync.adds.map((a) => a.subject), ['after the newer Ping']);
    // device show: the older one ended for the device's next Ping (written a turn after its answer).
    const device = await deviceRowId(n);
    await until(
      async () => (await n.a.store.pushHistory(device, 50)).some((e) => e.outcome === 'superseded' && e.nextRequestCmd === 'Ping'),
      'the older Ping recorded as superseded by a Ping',
    );
  });
}

test('a Sync with Wait and a Ping of one device end each other across nodes: an empty 200, then Status 1', async (t) => {
  const n = await twoNodes(t);
  const onB = phoneOn(n.b);
  const inbox = await onB.inboxId();
  const { syncKey } = await syncAll(onB, inbox);

  const waitOnB = syncOnce(onB, inbox, syncKey, { wait: NEVER_MINUTES });
  await parks(n, 1, waitOnB.then((r) => r.response), 'the Sync with Wait on B');
  const onA = phoneOn(n.a);
  const pingOnA = ping(onA, NEVER, [inbox]);
  await parks(n, 2, pingOnA, 'the Ping on A');
  await deliver(n.a, 'wakes only the Ping');
  const ended = await waitOnB;
  t.is(ended.response.status, 200);
  t.is(ended.response.raw.length, 0, 'a superseded Sync with Wait is an empty 200');
  const woken = readPing(await pingOnA);
  t.is(woken.status, 2);

  // The phone syncs the mail on A, then parks a Sync with Wait on B: that ends a Ping on A.
  const synced = await syncOnce(onA, inbox, syncKey);
  t.deepEqual(synced.adds.map((a) => a.subject), ['wakes only the Ping']);
  const pingAgain = ping(onA, NEVER, [inbox]);
  await parks(n, 3, pingAgain, 'the second Ping on A');
  const waitAgain = syncOnce(onB, inbox, synced.syncKey, { wait: NEVER_MINUTES });
  await parks(n, 4, waitAgain.then((r) => r.response), 'the second Sync with Wait on B');
  await deliver(n.b, 'wakes only the Sync');
  t.is(readPing(await pingAgain).status, 1);
  const answered = await waitAgain;
  t.is(answered.status, 1);
  t.deepEqual(answered.adds.map((a) => a.subject), ['wakes only the Sync']);
  t.is(n.a.server.push.size() + n.b.server.push.size(), 0);
});

interface Batch {
  status: number;
  syncKey: string;
  adds: { serverId: string; subject: string }[];
  changes: string[];
  deletes: string[];
  more: boolean;
}

/** One Sync of the Inbox with a small window (so a batch spans nodes), as a phone sends it. */
async function syncWindow(client: EasClient, folderId: string, syncKey: string, commands?: WbxmlElement[]): Promise<Batch> {
  const r = await client.post(
    'Sync',
    el('AirSync:Sync', [
      el('AirSync:Collections', [
        el('AirSync:Collection', [
          el('AirSync:SyncKey', syncKey),
          el('AirSync:CollectionId', folderId),
          syncKey !== '0' && el('AirSync:GetChanges', '1'),
          el('AirSync:WindowSize', '2'),
          commands && el('AirSync:Commands', commands),
        ]),
      ]),
    ]),
  );
  if (r.status !== 200) throw new Error(`Sync: HTTP ${r.status}`);
  // Nothing to report and no command sent: the empty answer, the key stays.
  if (r.raw.length === 0) return { status: 1, syncKey, adds: [], changes: [], deletes: [], more: false };
  const c = r.body?.path('Collections', 'Collection');
  const cmds = c?.child('Commands');
  return {
    status: c?.intOf('Status') ?? r.body?.intOf('Status') ?? NaN,
    syncKey: c?.textOf('SyncKey') ?? '',
    adds: (cmds?.all('Add') ?? []).map((a) => ({
      serverId: a.textOf('ServerId') ?? '',
      subject: a.child('ApplicationData')?.textOf('Email:Subject') ?? '',
    })),
    changes: (cmds?.all('Change') ?? []).map((x) => x.textOf('ServerId') ?? ''),
    deletes: (cmds?.all('Delete') ?? []).map((x) => x.textOf('ServerId') ?? ''),
    more: c?.has('MoreAvailable') ?? false,
  };
}

test('a device alternating between the nodes syncs on: keys continue, no resync, no item twice, none missing', async (t) => {
  const n = await twoNodes(t);
  const phone = phoneOn(n.a);
  // Each request goes to the node named: the phone's state (keys, hierarchy) is its own.
  const at = (node: TestServer): EasClient => {
    phone.opts.port = node.httpPort;
    return phone;
  };

  // The hierarchy: FolderSync on A, then on B with A's key, then a folder added meanwhile.
  const first = await at(n.a).folderSync();
  t.is(first.status, 1);
  const again = await at(n.b).folderSync();
  t.is(again.status, 1, 'B continues the hierarchy key A gave');
  t.deepEqual([again.added, again.updated, again.deleted], [[], [], []]);
  await n.b.store.createFolder(n.alice.id, null, 'Receipts', FolderType.UserMail, null);
  const added = await at(n.a).folderSync();
  t.is(added.status, 1);
  t.deepEqual(added.added.map((f) => f.displayName), ['Receipts']);
  const after = await at(n.b).folderSync();
  t.is(after.status, 1);
  t.deepEqual(after.added, [], 'the folder is not sent twice');

  const inbox = await phone.inboxId();
  const subjects = ['one', 'two', 'three', 'four', 'five'];
  for (const [i, s] of subjects.entries()) await deliver(i % 2 === 0 ? n.a : n.b, s);

  // Initial Sync on B, then batches of two, each on the other node.
  const held = new Map<string, string>();
  const seen: string[] = [];
  let batch = await syncWindow(at(n.b), inbox, '0');
  t.is(batch.status, 1);
  let key = batch.syncKey;
  const nodes = [n.a, n.b];
  let turn = 0;
  do {
    batch = await syncWindow(at(nodes[turn++ % 2]!), inbox, key);
    t.is(batch.status, 1, `batch ${turn} on node ${turn % 2 === 1 ? 'A' : 'B'}`);
    t.not(batch.syncKey, key);
    key = batch.syncKey;
    for (const a of batch.adds) {
      seen.push(a.subject);
      held.set(a.serverId, a.subject);
    }
  } while (batch.more && turn < 10);
  t.is(turn, 3, 'five mails in windows of two: three batches');
  t.deepEqual([...seen].sort(), [...subjects].sort(), 'every mail once');

  // A change on one node, a delete on the other: each node knows it was this device's own.
  const [firstId, secondId] = [...held.keys()] as [string, string];
  const deletedSubject = held.get(secondId);
  const changed = await syncWindow(at(n.a), inbox, key, [readChange(firstId, true)]);
  t.is(changed.status, 1);
  key = changed.syncKey;
  const deleted = await syncWindow(at(n.b), inbox, key, [deleteCommand(secondId)]);
  t.is(deleted.status, 1);
  key = deleted.syncKey;
  held.delete(secondId);
  const quiet = await syncWindow(at(n.a), inbox, key);
  t.deepEqual([quiet.status, quiet.adds, quiet.changes, quiet.deletes], [1, [], [], []], 'its own changes are not sent back');
  key = quiet.syncKey;

  // A Ping on B after syncing on A finds nothing pending (it reads the key A handed out), parks,
  // and a delivery through A wakes it; the Sync that follows, on A, brings that mail only.
  const pinged = ping(at(n.b), NEVER, [inbox]);
  await parks(n, 1, pinged, 'the Ping on B');
  await deliver(n.a, 'six');
  const woken = readPing(await pinged);
  t.deepEqual([woken.status, woken.folders], [2, [inbox]]);
  const last = await syncWindow(at(n.a), inbox, key);
  t.is(last.status, 1);
  t.deepEqual(last.adds.map((a) => a.subject), ['six']);
  for (const a of last.adds) held.set(a.serverId, a.subject);

  // What the phone holds is what the mailbox holds.
  t.deepEqual([...held.values()].sort(), [...subjects, 'six'].filter((s) => s !== deletedSubject).sort());
  t.is(await n.a.store.countItems(n.alice.id, Number(inbox)), held.size);
});
