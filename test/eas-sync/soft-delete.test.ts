// MS-ASCMD 2.2.3.162 SoftDelete: mail that ages out of the device's FilterType window reaches
// it once as SoftDelete, over a real store, parser and push registry (no HTTP). Time passing
// is simulated by moving every stored time (received dates, the windows devices hold) back.

import test from 'ava';
import Database from 'better-sqlite3';
import { createSyncCommand } from '../../eas/commands/sync.js';
import { bodyOf, createWorld, type World } from './harness.js';
import { bodyPreference, onlyCollection, options, syncRequest } from './wire.js';
import type { Device } from '../../store/types.js';
import { mail } from '../helpers/items.js';

/** This file's Sync command, with its own request cache (the table builds one per app). */
const sync = createSyncCommand();

const HOUR = 3_600_000;

function clock(t: { teardown(fn: () => void): void }, w: World) {
  const db = new Database(w.file);
  t.teardown(() => db.close());
  const earlier = (iso: string, ms: number) => new Date(Date.parse(iso) - ms).toISOString();
  const items = db.prepare<[], { id: number; received_at: string }>('SELECT id, received_at FROM items');
  const setItem = db.prepare<[string, number]>('UPDATE items SET received_at = ? WHERE id = ?');
  const states = db.prepare<[], { rowid: number; window_time: string }>(
    'SELECT rowid, window_time FROM sync_states WHERE window_time IS NOT NULL',
  );
  const setState = db.prepare<[string, number]>('UPDATE sync_states SET window_time = ? WHERE rowid = ?');
  return {
    /** The subject's mail arrived this long ago. */
    async receivedAgo(subject: string, ms: number) {
      const item = (await w.store.listItems(w.alice.id, Number(w.inbox))).find((i) => mail(i).summary.subject === subject)!;
      setItem.run(new Date(Date.now() - ms).toISOString(), item.id);
    },
    /** As if `ms` had passed: everything stored happened that much earlier. */
    pass(ms: number) {
      db.transaction(() => {
        for (const r of items.all()) setItem.run(earlier(r.received_at, ms), r.id);
        for (const r of states.all()) setState.run(earlier(r.window_time, ms), r.rowid);
      })();
    },
  };
}

async function primed(w: World, device: Device, filterType: number) {
  const first = onlyCollection(bodyOf(await w.run(sync, device, syncRequest([{ syncKey: '0', collectionId: w.inbox }]))));
  return onlyCollection(
    bodyOf(await w.run(sync, device, syncRequest([{ syncKey: first.syncKey, collectionId: w.inbox, options: [options(filterType, bodyPreference(1))] }]))),
  );
}

test('mail leaving a one-day window is sent once as SoftDelete; a device without a window gets nothing', async (t) => {
  const w = await createWorld(t);
  const time = clock(t, w);
  await w.deliver('Ageing');
  await w.deliver('Fresh');
  await time.receivedAgo('Ageing', 20 * HOUR);
  const a = await primed(w, w.deviceA, 1); // FilterType 1: one day
  const b = await primed(w, w.deviceB, 0); // all mail
  t.deepEqual(a.adds.map((x) => x.data?.textOf('Email:Subject')), ['Ageing', 'Fresh']);
  const ageing = a.adds[0]!.serverId;

  time.pass(8 * HOUR); // Ageing is now 28 hours old, Fresh 8
  const next = onlyCollection(bodyOf(await w.run(sync, w.deviceA, syncRequest([{ syncKey: a.syncKey, collectionId: w.inbox }]))));
  t.deepEqual(next.softDeletes, [ageing]);
  t.deepEqual(next.deletes, []);
  const again = await w.run(sync, w.deviceA, syncRequest([{ syncKey: next.syncKey, collectionId: w.inbox }]));
  t.is(again.kind, 'empty', 'not sent again');
  t.is((await w.run(sync, w.deviceB, syncRequest([{ syncKey: b.syncKey, collectionId: w.inbox }]))).kind, 'empty');
  t.is(await w.store.countItems(w.alice.id, Number(w.inbox)), 2, 'the mail stays on the server');
});
