// Phones across a restore (docs/store.md, "Backup and restore"): a SyncKey handed out before the
// backup is answered by the restored server, with what changed since in the restored mailbox; a
// key handed out after the backup names a state the restored store never had, so the phone is
// told to resync (Sync Status 3, FolderSync Status 9, MS-ASCMD 2.2.3.177.17 and 2.2.3.177.5)
// and never gets data from the lost timeline.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databasePath } from '../../bin/data-dir.js';
import { backupStore, restoreStore } from '../../store/backup.js';
import { FolderType } from '../../store/index.js';
import { createEasClient, type EasClient } from '../helpers/eas-client.js';
import { sqliteOnly, startTestServer, type TestServer } from '../helpers/server.js';
import { sendMail } from '../helpers/swaks.js';
import { onlyCollection, options, syncRequest, type SyncedCollection } from '../eas-sync/wire.js';

const PASSWORD = 'secret-password';

function phone(srv: TestServer, deviceId: string): EasClient {
  return createEasClient({ port: srv.httpPort, user: 'alice@example.com', password: PASSWORD, deviceId });
}

async function mail(srv: TestServer, subject: string): Promise<void> {
  const r = await sendMail({ port: srv.smtpPort, to: 'alice@example.com', subject, body: `Body of ${subject}` });
  if (r.code !== 0) throw new Error(`swaks failed (${r.code}): ${r.stdout.slice(-400)}`);
}

async function sync(p: EasClient, syncKey: string, collectionId: string, withOptions = false): Promise<SyncedCollection> {
  const res = await p.post('Sync', syncRequest([{ syncKey, collectionId, ...(withOptions ? { options: [options(0)] } : {}) }]));
  if (res.status !== 200) throw new Error(`Sync answered HTTP ${res.status}`);
  return onlyCollection(res.body);
}

const subjectsOf = (c: SyncedCollection) => c.adds.map((a) => a.data?.textOf('Email:Subject') ?? '');

const test = sqliteOnly('it restores a SQLite backup into the data dir (backupStore/restoreStore copy SQLite files)');

test('SyncKeys from before the backup are answered after a restore; later ones get Status 3 and 9', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'eas-push-restore-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const dataDir = join(work, 'data');
  const first = await startTestServer({ dataDir });
  t.teardown(() => first.stop());
  await first.addUser('alice@example.com', PASSWORD);
  const alice = (await first.store.findAccount('alice@example.com'))!;
  const inbox = String((await first.store.folderByType(alice.id, FolderType.Inbox))!.id);

  // Two phones in sync with two messages.
  await mail(first, 'before one');
  await mail(first, 'before two');
  const keys: Record<string, string> = {};
  let hierarchy: Record<string, string> = {};
  for (const id of ['PHONEA', 'PHONEB']) {
    const p = phone(first, id);
    const fs = await p.folderSync('0');
    t.is(fs.status, 1);
    hierarchy = { ...hierarchy, [id]: fs.syncKey! };
    const zero = await sync(p, '0', inbox);
    const full = await sync(p, zero.syncKey, inbox, true);
    t.deepEqual(subjectsOf(full).sort(), ['before one', 'before two']);
    keys[id] = full.syncKey;
  }

  const file = join(work, 'backup.sqlite');
  const backedUp = await backupStore(databasePath(dataDir), file);
  t.is(backedUp.integrity, 'ok');

  // After the backup: new mail and a new folder, and phone A syncs both (new keys).
  await mail(first, 'lost in the restore');
  const a = phone(first, 'PHONEA');
  const afterA = await sync(a, keys.PHONEA!, inbox);
  t.deepEqual(subjectsOf(afterA), ['lost in the restore']);
  await first.store.createFolder(alice.id, null, 'Made after the backup', FolderType.UserMail, null);
  const fsAfter = await a.folderSync(hierarchy.PHONEA!);
  t.is(fsAfter.status, 1);
  t.deepEqual(fsAfter.added.map((f) => f.displayName), ['Made after the backup']);
  await first.stop();

  const report = await restoreStore(file, databasePath(dataDir));
  t.is(report.modseq, backedUp.modseq);
  const second = await startTestServer({ dataDir });
  t.teardown(() => second.stop());
  await mail(second, 'after the restore');

  // Phone A's keys from after the backup: resync, not someone else's data.
  const a2 = phone(second, 'PHONEA');
  const stale = await sync(a2, afterA.syncKey, inbox);
  t.is(stale.status, 3);
  t.deepEqual(stale.adds, []);
  const staleHierarchy = await a2.folderSync(fsAfter.syncKey!);
  t.is(staleHierarchy.status, 9);

  // Phone B's keys are from before the backup: answered, with exactly what changed since in
  // the restored mailbox (the mail of the lost timeline is not there to be sent).
  const b2 = phone(second, 'PHONEB');
  const resumed = await sync(b2, keys.PHONEB!, inbox);
  t.is(resumed.status, 1);
  t.deepEqual(subjectsOf(resumed), ['after the restore']);
  const hierarchyB = await b2.folderSync(hierarchy.PHONEB!);
  t.is(hierarchyB.status, 1);
  t.deepEqual(hierarchyB.added, []);

  // Phone A, told to resync, starts over at 0 and gets the restored mailbox, all of it.
  const again = await sync(a2, '0', inbox);
  t.is(again.status, 1);
  const full = await sync(a2, again.syncKey, inbox, true);
  t.deepEqual(subjectsOf(full).sort(), ['after the restore', 'before one', 'before two']);
  const fresh = await a2.folderSync('0');
  t.is(fresh.status, 1);
  t.false(fresh.added.some((f) => f.displayName === 'Made after the backup'));
});
