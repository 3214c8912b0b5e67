// The directory on its own, on every store (test/store/contract): prefix matching, LIKE wildcards
// taken literally, the domain scope, paging with the total, and the refusals (docs/clients.md
// rule 33). What only PostgreSQL does (non-ASCII folding, collation, two nodes) is in
// test/store-pg/accounts-directory.test.ts.

import { StoreError, type Store } from '../../store/types.js';
import { storeTest } from '../store/contract/store-test.js';
import { emails, q } from './directory-query.js';

async function setup(store: Store): Promise<Store> {
  for (const [a, n] of [['zoe@a.test', 'Zoë Ångström'], ['per_cent@a.test', '100% Sales'], ['max@b.test', 'Max Zorn'], ['mia@a.test', null]] as const) {
    await store.createAccount(a, 'pw-123456', n ?? undefined);
  }
  return store;
}

storeTest('prefixes of name words, names, alias and address; wildcards are literal; domain scope; paging', async (t, s) => {
  const store = await setup(s);
  t.deepEqual(emails(await store.searchDirectory(q('z'))), ['max@b.test', 'zoe@a.test'], 'a word of "Max Zorn", and Zoë');
  t.deepEqual(emails(await store.searchDirectory(q('Z'))), ['max@b.test', 'zoe@a.test'], 'case folded');
  t.deepEqual(emails(await store.searchDirectory(q('z', 'a.test'))), ['zoe@a.test']);
  t.deepEqual(emails(await store.searchDirectory(q('z', 'A.test'))), ['zoe@a.test'], 'the domain case folded');
  t.deepEqual(emails(await store.searchDirectory(q('%'))), [], '% is not a wildcard');
  t.deepEqual(emails(await store.searchDirectory(q('100%'))), ['per_cent@a.test']);
  t.deepEqual(emails(await store.searchDirectory(q('per_'))), ['per_cent@a.test']);
  t.deepEqual(emails(await store.searchDirectory(q('pe_'))), [], '_ is not a wildcard');
  t.deepEqual(emails(await store.searchDirectory(q('  '))), []);
  const mia = (await store.findAccount('mia@a.test'))!;
  await store.updateDirectoryEntry(mia.id, { firstName: 'Amelia', alias: 'mh' });
  t.deepEqual(emails(await store.searchDirectory(q('amel'))), ['mia@a.test']);
  t.deepEqual(emails(await store.searchDirectory(q('MH'))), ['mia@a.test']);
  const page = await store.searchDirectory(q('m', null, 1, 1));
  t.is(page.total, 2, 'Max Zorn and mia (address and alias): the total of every page');
  t.deepEqual(emails(page), ['mia@a.test']);
  t.deepEqual(await store.searchDirectory(q('m', null, 0, 0)), { total: 2, entries: [] });
});

storeTest('a picture over 100 KB and an unknown account are refused; null clears a field; others keep theirs', async (t, s) => {
  const store = await setup(s);
  const zoe = (await store.findAccount('zoe@a.test'))!;
  const err = await t.throwsAsync(store.updateDirectoryEntry(zoe.id, { picture: Buffer.alloc(102_401) }), { instanceOf: StoreError });
  t.is(err?.code, 'invalid-profile');
  t.is(await store.directoryPicture(zoe.id), null);
  t.is((await t.throwsAsync(store.updateDirectoryEntry(99_999, { title: 'x' }), { instanceOf: StoreError }))?.code, 'no-such-account');
  t.is((await t.throwsAsync(store.updateDirectoryEntry(99_999, {}), { instanceOf: StoreError }))?.code, 'no-such-account');
  const set = await store.updateDirectoryEntry(zoe.id, { title: 'CTO', mobilePhone: '+1 555', picture: Buffer.from([0xff, 0xd8, 0xff]) });
  t.like(set, { title: 'CTO', mobilePhone: '+1 555', pictureSize: 3, displayName: 'Zoë Ångström' });
  t.deepEqual(await store.directoryPicture(zoe.id), Buffer.from([0xff, 0xd8, 0xff]));
  t.deepEqual(await store.directoryEntry(zoe.id), set);
  t.deepEqual(await store.updateDirectoryEntry(zoe.id, {}), set, 'nothing given: nothing changes');
  const cleared = await store.updateDirectoryEntry(zoe.id, { title: null, picture: null, displayName: 'Zoë A.' });
  t.like(cleared, { title: null, pictureSize: 0, mobilePhone: '+1 555', displayName: 'Zoë A.' });
  t.is(await store.directoryEntry(99_999), null);
});
