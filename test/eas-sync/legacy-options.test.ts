// A sync state written before the sticky Options had rows of their own (docs/sync.md §3, §8)
// carries them in its replay record: after the upgrade the device keeps them, and the first
// request that sends Options writes the rows.

import test from 'ava';
import Database from 'better-sqlite3';
import { createSyncCommand } from '../../eas/commands/sync.js';
import { bodyOf, createWorld } from './harness.js';
import { bodyData, bodyPreference, onlyCollection, options, syncRequest } from './wire.js';

const sync = createSyncCommand();
const LONG = 'A body well over ten characters long.';

test('options recorded in an older state are kept until the device sends new ones', async (t) => {
  const w = await createWorld(t);
  await w.deliver('Before', LONG);
  const run = async (spec: Parameters<typeof syncRequest>[0][number]) => onlyCollection(bodyOf(await w.run(sync, w.deviceA, syncRequest([spec]))));
  const zero = await run({ syncKey: '0', collectionId: w.inbox });
  const page = await run({ syncKey: zero.syncKey, collectionId: w.inbox, options: [options(0, bodyPreference(1, 10))] });
  t.is(page.adds.length, 1);

  // Make it look like an older eas-push wrote it: no rows, the options in the replay record.
  const db = new Database(w.file);
  db.prepare('DELETE FROM sync_options').run();
  const legacy = {
    v: 1,
    options: { filterType: 0, bodyPreferences: [{ type: 1, truncationSize: 10, allOrNone: false, preview: null }], bodyPartPreferences: [], mimeSupport: 0, mimeTruncation: null, truncation: null, conflict: null, classes: [] },
    outcomes: [],
  };
  db.prepare('UPDATE sync_states SET replay = ? WHERE device_id = ? AND sync_key = ?').run(JSON.stringify(legacy), w.deviceA.id, Number(page.syncKey));
  db.close();

  await w.deliver('After', LONG);
  const next = await run({ syncKey: page.syncKey, collectionId: w.inbox });
  t.is(next.adds.length, 1);
  t.true((bodyData(next.adds[0]!.data)?.data.length ?? Infinity) <= 10, 'still cut at 10 bytes');

  // New options sent: rows from now on, and the record no longer matters.
  await w.deliver('Whole', LONG);
  const whole = await run({ syncKey: next.syncKey, collectionId: w.inbox, options: [options(0, bodyPreference(1))] });
  t.is(bodyData(whole.adds[0]!.data)?.data.trimEnd(), LONG);
  t.is((await w.store.getSyncOptions(w.deviceA.id, Number(w.inbox), 'Email'))?.bodyPreferences[0]?.truncationSize, null);
});
