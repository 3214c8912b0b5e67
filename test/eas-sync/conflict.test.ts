// MS-ASCMD 2.2.3.34 Conflict (docs/sync.md §10) over real sockets: phone A changes an item that
// phone B changed on the server after A's SyncKey. Without Conflict, or with 1, the server wins:
// A's Change is answered Status 7 and A gets the server's version in the same answer. With 0
// the client wins: A's change is kept, and B gets it.

import test from 'ava';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { bodyPreference, cmd } from './wire.js';
import { ALICE, phoneEnv, syncOne, type PhoneEnv } from './phone-env.js';

/** Both phones hold "Shared" at their current key; returns the keys and its ServerId. */
async function twoPhones(e: PhoneEnv, conflict: number | null) {
  await e.mail('Shared');
  const a = e.phone('PHONEA');
  const b = e.phone('PHONEB');
  const inbox = await a.inboxId();
  await b.folderSync();
  const optionsA: WbxmlElement[] = [
    el('AirSync:Options', [el('AirSync:FilterType', 0), conflict !== null && el('AirSync:Conflict', conflict), bodyPreference(1)]),
  ];
  const start = async (phone: typeof a, options: WbxmlElement[]) => {
    const zero = (await syncOne(phone, { syncKey: '0', collectionId: inbox }))!;
    const page = (await syncOne(phone, { syncKey: zero.syncKey, collectionId: inbox, options }))!;
    return page;
  };
  const pageA = await start(a, optionsA);
  const pageB = await start(b, [el('AirSync:Options', [el('AirSync:FilterType', 0), bodyPreference(1)])]);
  const serverId = pageA.adds[0]!.serverId;
  return { a, b, inbox, keyA: pageA.syncKey, keyB: pageB.syncKey, serverId };
}

async function readOnServer(e: PhoneEnv, serverId: string): Promise<boolean> {
  const account = (await e.srv.store.findAccount(ALICE))!;
  return (await e.srv.store.getItem(account.id, Number(serverId.split(':')[1])))!.read;
}

for (const [title, conflict] of [
  ['without Conflict the server wins (the spec default)', null],
  ['with Conflict 1 the server wins', 1],
] as const) {
  test(`${title}: Status 7 and the server's version in the same answer`, async (t) => {
    t.timeout(90_000);
    const e = await phoneEnv(t);
    const { a, b, inbox, keyA, keyB, serverId } = await twoPhones(e, conflict);

    // B reads it; then A, still at its older key, flags it unread.
    const byB = (await syncOne(b, { syncKey: keyB, collectionId: inbox, commands: [cmd.change(serverId, [el('Email:Read', '1')])] }))!;
    t.is(byB.status, 1);
    const byA = (await syncOne(a, { syncKey: keyA, collectionId: inbox, commands: [cmd.change(serverId, [el('Email:Read', '0')])] }))!;
    t.is(byA.status, 1);
    const response = byA.responses.find((r) => r.name === 'Change');
    t.truthy(response, 'the discarded Change is answered');
    t.is(response?.textOf('ServerId'), serverId);
    t.is(response?.intOf('Status'), 7);
    t.deepEqual(
      byA.changes.map((c) => [c.serverId, c.data?.textOf('Email:Read')]),
      [[serverId, '1']],
      "A gets the server's version",
    );
    t.true(await readOnServer(e, serverId), "the server's object is kept");
    // B hears nothing: A's change was discarded.
    t.is(await syncOne(b, { syncKey: byB.syncKey, collectionId: inbox }), null);

    // Without a conflict, the same Change applies as usual.
    const again = (await syncOne(a, { syncKey: byA.syncKey, collectionId: inbox, commands: [cmd.change(serverId, [el('Email:Read', '0')])] }))!;
    t.is(again.status, 1);
    t.false(again.hasResponsesElement, 'a successful Change has no response');
    t.false(await readOnServer(e, serverId));
  });
}

test('with Conflict 0 the client wins: its change is applied and the other phone gets it', async (t) => {
  t.timeout(90_000);
  const e = await phoneEnv(t);
  const { a, b, inbox, keyA, keyB, serverId } = await twoPhones(e, 0);

  const byB = (await syncOne(b, { syncKey: keyB, collectionId: inbox, commands: [cmd.change(serverId, [el('Email:Read', '1')])] }))!;
  t.is(byB.status, 1);
  const byA = (await syncOne(a, { syncKey: keyA, collectionId: inbox, commands: [cmd.change(serverId, [el('Email:Read', '0')])] }))!;
  t.is(byA.status, 1);
  t.false(byA.hasResponsesElement, 'no Status 7: the client object replaced the server object');
  t.deepEqual(byA.changes, [], "A is not sent B's (overwritten) version, nor its own back");
  t.false(await readOnServer(e, serverId));

  const toB = (await syncOne(b, { syncKey: byB.syncKey, collectionId: inbox }))!;
  t.deepEqual(
    toB.changes.map((c) => [c.serverId, c.data?.textOf('Email:Read')]),
    [[serverId, '0']],
    "B gets A's winning version",
  );
});
