// The global address list (docs/clients.md rule 33): Search with Store Name GAL by prefix with
// Range paging and Total, the --gal scopes (no account of another domain ever shows under
// "domain"), pictures within MaxSize/MaxPictures, and ResolveRecipients over the same
// directory. Profiles are set with the real CLI (`eas-push user set`) on the server's data dir.

import test, { type ExecutionContext } from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from '../../eas/wbxml/index.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { runCli } from '../cli/run.js';
import { createEasClient, type EasClient } from '../helpers/eas-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { diffTrees, fromTree, parseLibwbxmlXml, wbxml2xml, type XNode } from '../wbxml/libwbxml.js';

const PW = 'gal-test-password';
/** Starts like every JPEG file (SOI, APP0 "JFIF"); the server only stores and returns the bytes. */
const PHOTO = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), Buffer.alloc(300, 7), Buffer.from([0xff, 0xd9])]);

async function setup(t: ExecutionContext, gal?: 'domain' | 'all' | 'off'): Promise<{ s: TestServer; phone: EasClient }> {
  const s = await startTestServer(gal ? { gal } : {});
  t.teardown(() => s.stop());
  await s.store.createAccount('anna.kerry@example.com', PW, 'Anna Kerry');
  await s.store.createAccount('anat.cohen@example.com', PW, 'Anat Cohen');
  await s.store.createAccount('bob@example.com', PW, 'Bob Annan');
  await s.store.createAccount('carl@example.com', PW);
  await s.store.createAccount('annette@other.test', PW, 'Annette Other');
  const phone = createEasClient({ port: s.httpPort, user: 'carl@example.com', password: PW, deviceId: 'GALPHONE1' });
  return { s, phone };
}

async function cli(t: ExecutionContext, s: TestServer, args: string[]): Promise<string> {
  const r = await runCli(['user', 'set', ...args, ...s.storeArgs]);
  t.is(r.code, 0, r.stderr);
  return r.stdout;
}

function galSearch(query: string, options: WbxmlElement[] = []): WbxmlElement {
  return el('Search:Search', [
    el('Search:Store', [el('Search:Name', 'GAL'), el('Search:Query', query), options.length > 0 && el('Search:Options', options)]),
  ]);
}

/** POSTs a GAL search, checks libwbxml reads the answer as we wrote it, returns the Store. */
async function search(t: ExecutionContext, phone: EasClient, query: string, options: WbxmlElement[] = []): Promise<WbxmlElement> {
  const res = await phone.post('Search', galSearch(query, options));
  t.is(res.status, 200);
  t.is(diffTrees(fromTree(decode(res.raw)), unwrapData(parseLibwbxmlXml(wbxml2xml(res.raw)))), undefined, 'libwbxml reads the same tree');
  t.is(res.body!.intOf('Status'), 1);
  const store = res.body!.path('Response', 'Store')!;
  t.is(store.intOf('Status'), 1);
  return store;
}

/**
 * libwbxml's table types GAL:Data as binary and prints its content in base64; we send the photo
 * as base64 text (as Exchange does and phones decode), so its printout is that text, encoded once more.
 */
function unwrapData(n: XNode): XNode {
  const text = n.ns === 'GAL' && n.name === 'Data' ? Buffer.from(n.text, 'base64').toString('latin1') : n.text;
  return { ...n, text, children: n.children.map(unwrapData) };
}

const emails = (store: WbxmlElement) => store.all('Result').map((r) => r.path('Properties')?.textOf('EmailAddress')).filter(Boolean);

test('GAL by prefix of display name, a word of it, first and last name and address, paged with Range and Total', async (t) => {
  const { s, phone } = await setup(t, 'all');
  const out = await cli(t, s, ['anna.kerry@example.com', '--first-name', 'Anna', '--last-name', 'Kerry', '--title', 'Engineer', '--company', 'Example Ltd', '--phone', '+1 555 0100', '--mobile-phone', '+1 555 0101', '--office', 'B2', '--alias', 'akerry']);
  t.regex(out, /updated anna\.kerry@example\.com/);

  // "ann": Anna Kerry (display name), Annette (display name), Bob Annan (word of the name).
  const all = await search(t, phone, 'ann');
  t.is(all.intOf('Total'), 3);
  t.deepEqual(emails(all), ['anna.kerry@example.com', 'annette@other.test', 'bob@example.com']);
  const first = await search(t, phone, 'ANN', [el('Search:Range', '0-1')]);
  t.is(first.textOf('Range'), '0-1');
  t.is(first.intOf('Total'), 3);
  t.deepEqual(emails(first), ['anna.kerry@example.com', 'annette@other.test']);
  const second = await search(t, phone, 'ann', [el('Search:Range', '2-3')]);
  t.is(second.textOf('Range'), '2-2');
  t.is(second.intOf('Total'), 3);
  t.deepEqual(emails(second), ['bob@example.com']);

  // Every GAL property the profile has, in code page order.
  const kerry = (await search(t, phone, 'kerry')).path('Result', 'Properties')!;
  t.deepEqual(
    kerry.children.map((c) => `${c.name}=${c.text}`),
    ['DisplayName=Anna Kerry', 'Phone=+1 555 0100', 'Office=B2', 'Title=Engineer', 'Company=Example Ltd', 'Alias=akerry', 'FirstName=Anna', 'LastName=Kerry', 'MobilePhone=+1 555 0101', 'EmailAddress=anna.kerry@example.com'],
  );
  // Address and alias prefixes; not a substring in the middle of a word.
  t.deepEqual(emails(await search(t, phone, 'carl@')), ['carl@example.com']);
  t.deepEqual(emails(await search(t, phone, 'akerr')), ['anna.kerry@example.com']);
  const none = await search(t, phone, 'erry');
  t.is(none.intOf('Total'), 0);
  t.deepEqual(emails(none), []);
  // "" clears a field.
  await cli(t, s, ['anna.kerry@example.com', '--title', '']);
  t.false((await search(t, phone, 'kerry')).path('Result', 'Properties')!.has('Title'));
});

test('--gal domain shows the own domain only; all shows every account; off shows none', async (t) => {
  const domain = await setup(t);
  t.deepEqual(emails(await search(t, domain.phone, 'ann')), ['anna.kerry@example.com', 'bob@example.com']);
  t.is((await search(t, domain.phone, 'annette')).intOf('Total'), 0, 'the other tenant is not found by name');
  t.is((await search(t, domain.phone, 'annette@other.test')).intOf('Total'), 0, 'nor by address');
  const other = createEasClient({ port: domain.s.httpPort, user: 'annette@other.test', password: PW, deviceId: 'OTHERPHONE' });
  t.deepEqual(emails(await search(t, other, 'a')), ['annette@other.test'], 'the other tenant sees only itself');
  // ResolveRecipients: an exact address of another domain does not resolve either.
  const rr = await domain.phone.post('ResolveRecipients', el('ResolveRecipients:ResolveRecipients', [el('ResolveRecipients:To', 'annette@other.test'), el('ResolveRecipients:To', 'Annette')]));
  t.deepEqual(rr.body!.all('Response').map((r) => r.intOf('Status')), [4, 4]);
  t.false(rr.raw.toString('latin1').includes('other.test') && rr.raw.toString('latin1').split('other.test').length > 2, 'the address appears only as the To echoed back');

  const all = await setup(t, 'all');
  t.deepEqual(emails(await search(t, all.phone, 'annette')), ['annette@other.test']);

  const off = await setup(t, 'off');
  const nothing = await search(t, off.phone, 'ann');
  t.is(nothing.intOf('Total'), 0);
  t.deepEqual(emails(nothing), []);
});

test('a picture within MaxSize and MaxPictures; Status 174 when too large, 175 past the count, 173 without one', async (t) => {
  const { s, phone } = await setup(t);
  const dir = mkdtempSync(join(tmpdir(), 'gal-photo-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'anna.jpg');
  writeFileSync(file, PHOTO);
  t.regex(await cli(t, s, ['anna.kerry@example.com', '--picture', file]), new RegExp(`picture: ${PHOTO.length} bytes`));
  await cli(t, s, ['anat.cohen@example.com', '--picture', file]);
  const notJpeg = join(dir, 'x.jpg');
  writeFileSync(notJpeg, 'GIF89a');
  const refused = await runCli(['user', 'set', 'bob@example.com', '--picture', notJpeg, ...s.storeArgs]);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /not a JPEG/);

  const pics = (store: WbxmlElement) =>
    store.all('Result').map((r) => {
      const p = r.path('Properties', 'Picture')!;
      return { email: r.path('Properties')!.textOf('EmailAddress'), status: p.intOf('Status'), data: p.textOf('Data') };
    });
  const ok = await search(t, phone, 'an', [el('Search:Picture', [el('Search:MaxSize', String(PHOTO.length))])]);
  t.deepEqual(pics(ok), [
    { email: 'anat.cohen@example.com', status: 1, data: PHOTO.toString('base64') },
    { email: 'anna.kerry@example.com', status: 1, data: PHOTO.toString('base64') },
    { email: 'bob@example.com', status: 173, data: undefined },
  ]);
  const small = await search(t, phone, 'anna', [el('Search:Picture', [el('Search:MaxSize', String(PHOTO.length - 1))])]);
  t.deepEqual(pics(small), [
    { email: 'anna.kerry@example.com', status: 174, data: undefined },
    { email: 'bob@example.com', status: 173, data: undefined },
  ]);
  const one = await search(t, phone, 'an', [el('Search:Picture', [el('Search:MaxPictures', '1')])]);
  t.deepEqual(pics(one).map((p) => p.status), [1, 175, 173]);
  // --no-picture removes it.
  await cli(t, s, ['anna.kerry@example.com', '--no-picture']);
  t.deepEqual(pics(await search(t, phone, 'anna', [el('Search:Picture', [])])).map((p) => p.status), [173, 173]);
});

test('ResolveRecipients finds a GAL entry by first-name prefix, with its picture', async (t) => {
  const { s, phone } = await setup(t);
  await cli(t, s, ['bob@example.com', '--first-name', 'Robert', '--last-name', 'Annan']);
  await s.store.updateDirectoryEntry((await s.store.findAccount('bob@example.com'))!.id, { picture: PHOTO });
  const res = await phone.post(
    'ResolveRecipients',
    el('ResolveRecipients:ResolveRecipients', [
      el('ResolveRecipients:To', 'rob'),
      el('ResolveRecipients:Options', [el('ResolveRecipients:Picture', [el('ResolveRecipients:MaxSize', '102400')])]),
    ]),
  );
  t.is(res.status, 200);
  const r = res.body!.child('Response')!;
  t.is(r.intOf('Status'), 1);
  const recipient = r.child('Recipient')!;
  t.is(recipient.intOf('Type'), 1);
  t.is(recipient.textOf('DisplayName'), 'Bob Annan');
  t.is(recipient.textOf('EmailAddress'), 'bob@example.com');
  t.is(recipient.path('Picture')!.intOf('Status'), 1);
  t.is(recipient.path('Picture')!.textOf('Data'), PHOTO.toString('base64'));
});
