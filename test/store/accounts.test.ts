import test from 'ava';
import { StoreError } from '../../store/index.js';
import { storeSqlTest, storeTest } from './contract/store-test.js';
import { parsed, rawOf, tempStore } from './helpers.js';

storeTest('createAccount stores a lower-case address and makes the system folders', async (t, store) => {
  const a = await store.createAccount('Alice@Example.COM', 'secret', 'Alice');
  t.is(a.address, 'alice@example.com');
  t.is(a.displayName, 'Alice');
  t.regex(a.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const folders = await store.listFolders(a.id);
  t.deepEqual(
    folders.map((f) => [f.name, f.type, f.system, f.parentId]),
    [
      ['Inbox', 2, true, null],
      ['Drafts', 3, true, null],
      ['Deleted Items', 4, true, null],
      ['Sent Items', 5, true, null],
      ['Outbox', 6, true, null],
      ['Junk Email', 12, true, null],
      ['Calendar', 8, true, null],
      ['Contacts', 9, true, null],
      ['Tasks', 7, true, null],
      ['Notes', 10, true, null],
    ],
  );
  t.is((await store.folderByType(a.id, 2))?.name, 'Inbox');
  t.is((await store.folderByType(a.id, 12))?.name, 'Junk Email');
  // One modseq for the whole creation.
  t.is(await store.headModseq(a.id), 1);
});

storeSqlTest('createAccount refuses duplicates, whatever the case', async (t, { store, count }) => {
  await store.createAccount('alice@example.com', 'one');
  const err = await t.throwsAsync(async () => await store.createAccount('ALICE@example.com', 'two'), { instanceOf: StoreError });
  t.is(err?.code, 'account-exists');
  t.is((await store.listAccounts()).length, 1);
  t.is(await count('folders'), 10, 'the refused duplicate left no folders behind');
});

storeTest('createAccount refuses invalid addresses', async (t, store) => {
  for (const bad of ['', 'alice', '@example.com', 'alice@', 'a b@example.com', 'alice@exa mple.com', 'al+ice@example.com', 'a..b@x.org', 'alice@-x.org']) {
    const err = await t.throwsAsync(async () => await store.createAccount(bad, 'pw'), { instanceOf: StoreError }, bad);
    t.is(err?.code, 'invalid-address', bad);
  }
  t.truthy(await store.createAccount('test@localhost', 'pw'));
  t.deepEqual((await store.listAccounts()).map((a) => a.address), ['test@localhost']);
});

storeTest('findAccount is case-insensitive and folds +tag', async (t, store) => {
  const a = await store.createAccount('alice@example.com', 'pw');
  t.is((await store.findAccount('ALICE@Example.com'))?.id, a.id);
  t.is((await store.findAccount('alice+lists@example.com'))?.id, a.id);
  t.is((await store.findAccount(' Alice+X@EXAMPLE.com '))?.id, a.id);
  t.is(await store.findAccount('bob@example.com'), null);
  t.is(await store.findAccount('alice@example.org'), null);
  t.deepEqual(await store.getAccount(a.id), a);
  t.is(await store.getAccount(a.id + 100), null);
});

storeTest('verifyPassword accepts the right password only; knownCredentials never hashes', async (t, store) => {
  const a = await store.createAccount('alice@example.com', 'correct horse');
  t.is(await store.knownCredentials('alice@example.com', 'correct horse'), null, 'not verified yet');
  t.is((await store.verifyPassword('alice@example.com', 'correct horse'))?.id, a.id);
  t.is((await store.knownCredentials('Alice+tag@example.com', 'correct horse'))?.id, a.id, 'remembered');
  t.is(await store.knownCredentials('alice@example.com', 'wrong'), null);
  // Second time comes from the cache: still the same answer.
  t.is((await store.verifyPassword('Alice@example.com', 'correct horse'))?.id, a.id);
  t.is(await store.verifyPassword('alice@example.com', 'correct horsE'), null);
  t.is(await store.verifyPassword('alice@example.com', ''), null);
  t.is(await store.verifyPassword('nobody@example.com', 'correct horse'), null);
});

test('passwd and remove from another Store instance take effect at once', async (t) => {
  const { store, reopen } = tempStore(t);
  const a = await store.createAccount('alice@example.com', 'old');
  t.is((await store.verifyPassword('alice@example.com', 'old'))?.id, a.id); // now cached

  const cli = reopen();
  await cli.setPassword('alice@example.com', 'new');
  t.is(await store.verifyPassword('alice@example.com', 'old'), null);
  t.is((await store.verifyPassword('alice@example.com', 'new'))?.id, a.id);

  await cli.removeAccount('alice@example.com');
  t.is(await store.verifyPassword('alice@example.com', 'new'), null);
  t.is(await store.findAccount('alice@example.com'), null);

  // Added by the other process while this one runs: seen at once.
  const b = await cli.createAccount('bob@example.com', 'pw');
  t.is((await store.findAccount('bob@example.com'))?.id, b.id);
  t.deepEqual((await store.listAccounts()).map((x) => x.address), ['bob@example.com']);
});

storeTest('setPassword, removeAccount and setOof of an unknown account fail with no-such-account', async (t, store) => {
  t.is((await t.throwsAsync(async () => await store.setPassword('x@example.com', 'pw'), { instanceOf: StoreError }))?.code, 'no-such-account');
  t.is((await t.throwsAsync(async () => await store.removeAccount('x@example.com'), { instanceOf: StoreError }))?.code, 'no-such-account');
  t.is((await t.throwsAsync(async () => await store.setOof(12345, { state: 1 }), { instanceOf: StoreError }))?.code, 'no-such-account');
});

storeTest('removeAccount removes its mail and devices', async (t, store) => {
  const a = await store.createAccount('alice@example.com', 'pw');
  const d = await store.touchDevice(a.id, 'DEV1', { deviceType: 'iPhone', userAgent: null, protocolVersion: '16.1' });
  const [m] = await store.deliver([{ accountId: a.id, raw: rawOf() }], parsed({ subject: 'Gone soon' }));
  await store.removeAccount('ALICE@example.com');
  t.is(await store.headModseq(a.id), 0);
  t.is(await store.getItem(a.id, m!.itemId), null);
  t.is(await store.getBody(a.id, m!.itemId), null);
  t.is((await store.search({ accountId: a.id, text: 'gone', rangeStart: 0, rangeEnd: 9 })).total, 0);
  // The address is free again, with fresh ids: nothing of the old mailbox shows through.
  const again = await store.createAccount('alice@example.com', 'pw');
  t.not(again.id, a.id);
  t.deepEqual(await store.listItems(again.id, (await store.folderByType(again.id, 2))!.id), []);
  t.deepEqual(await store.listDevices(a.id), []);
  t.deepEqual(await store.listFolders(a.id), []);
  t.is(await store.latestSyncState(d.id, 1), null);
});

storeTest('oof settings round-trip per account', async (t, store) => {
  const a = await store.createAccount('alice@example.com', 'pw');
  const b = await store.createAccount('bob@example.com', 'pw');
  t.is(await store.getOof(a.id), null);
  await store.setOof(a.id, { state: 1, message: 'away' });
  t.deepEqual(await store.getOof(a.id), { state: 1, message: 'away' });
  t.is(await store.getOof(b.id), null);
});

test('verifyPasswordAsync gives the same answers as verifyPassword, and sees passwd/remove from another instance at once', async (t) => {
  const { store, reopen } = tempStore(t);
  const a = await store.createAccount('alice@example.com', 'old');
  t.is((await store.verifyPasswordAsync('alice@example.com', 'old'))?.id, a.id);
  t.is((await store.verifyPasswordAsync('Alice+tag@example.com', 'old'))?.id, a.id, 'cached, same account');
  t.is(await store.verifyPasswordAsync('alice@example.com', 'olD'), null);
  t.is(await store.verifyPasswordAsync('alice@example.com', ''), null);
  t.is(await store.verifyPasswordAsync('nobody@example.com', 'old'), null);
  // A success from either path is the same cache entry.
  t.is((await store.verifyPassword('alice@example.com', 'old'))?.id, a.id);

  const cli = reopen();
  await cli.setPassword('alice@example.com', 'new');
  t.is(await store.verifyPasswordAsync('alice@example.com', 'old'), null);
  t.is((await store.verifyPasswordAsync('alice@example.com', 'new'))?.id, a.id);
  await cli.removeAccount('alice@example.com');
  t.is(await store.verifyPasswordAsync('alice@example.com', 'new'), null);
});

storeSqlTest('a stored hash scrypt refuses matches nothing and throws nothing, sync or async', async (t, { store, sql }) => {
  await store.createAccount('alice@example.com', 'pw');
  // N must be a power of two: scrypt itself rejects this one.
  await sql("UPDATE accounts SET password_hash = 'scrypt$1000$8$1$c2FsdA==$aGFzaA==' WHERE address = 'alice@example.com'");
  t.is(await store.verifyPasswordAsync('alice@example.com', 'pw'), null);
  t.is(await store.verifyPassword('alice@example.com', 'pw'), null);
});

storeTest('failed logins do not block the event loop: a tick scheduled before them runs before any is answered', async (t, store) => {
  await store.createAccount('alice@example.com', 'right');
  const events: string[] = [];
  setImmediate(() => events.push('tick'));
  // Wrong passwords and an unknown address (the dummy hash): each costs a full scrypt.
  const logins = ['alice@example.com', 'nobody@example.com', 'alice@example.com', 'nobody@example.com'].map((address, i) =>
    store.verifyPasswordAsync(address, `wrong-${i}`).then((account) => events.push(account === null ? 'refused' : 'accepted')),
  );
  events.push('all started');
  await Promise.all(logins);
  // Hashing on the event loop would answer all four before the tick could run.
  t.deepEqual(events, ['all started', 'tick', 'refused', 'refused', 'refused', 'refused']);
});
