// store/directory.ts on its own: prefix matching, LIKE wildcards taken literally, the domain
// scope, paging with the total, and the refusals (docs/clients.md rule 33).

import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store/index.js';
import { StoreError } from '../../store/types.js';

async function setup(t: { teardown(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'directory-'));
  const store = openStore(join(dir, 'mail.sqlite'));
  t.teardown(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  for (const [a, n] of [['zoe@a.test', 'Zoë Ångström'], ['per_cent@a.test', '100% Sales'], ['max@b.test', 'Max Zorn'], ['mia@a.test', null]] as const) {
    await store.createAccount(a, 'pw-123456', n ?? undefined);
  }
  return store;
}

const q = (text: string, domain: string | null = null, offset = 0, limit = 10) => ({ text, domain, offset, limit });

test('prefixes of name words, names, alias and address; wildcards are literal; domain scope', async (t) => {
  const store = await setup(t);
  const emails = (r: { entries: { address: string }[] }) => r.entries.map((e) => e.address);
  t.deepEqual(emails(await store.searchDirectory(q('z'))), ['max@b.test', 'zoe@a.test'], 'a word of "Max Zorn", and Zoë');
  t.deepEqual(emails(await store.searchDirectory(q('z', 'a.test'))), ['zoe@a.test']);
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
});

test('a picture over 100 KB and an unknown account are refused; null clears a field', async (t) => {
  const store = await setup(t);
  const zoe = (await store.findAccount('zoe@a.test'))!;
  const err = await t.throwsAsync(async () => await store.updateDirectoryEntry(zoe.id, { picture: Buffer.alloc(102_401) }), { instanceOf: StoreError });
  t.is(err?.code, 'invalid-profile');
  t.is(await store.directoryPicture(zoe.id), null);
  t.is((await t.throwsAsync(async () => await store.updateDirectoryEntry(99_999, { title: 'x' }), { instanceOf: StoreError }))?.code, 'no-such-account');
  await store.updateDirectoryEntry(zoe.id, { title: 'CTO', picture: Buffer.from([0xff, 0xd8, 0xff]) });
  t.is((await store.directoryEntry(zoe.id))?.pictureSize, 3);
  const cleared = await store.updateDirectoryEntry(zoe.id, { title: null, picture: null });
  t.is(cleared.title, null);
  t.is(cleared.pictureSize, 0);
  t.is(cleared.displayName, 'Zoë Ångström', 'fields not named keep their value');
});
