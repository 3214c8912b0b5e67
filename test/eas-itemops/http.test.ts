// ItemOperations over real HTTP: the real Koa app (createEasApp) on port 0, the test EAS client,
// a fresh SQLite store per test.
import test, { type ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createEasApp } from '../../eas/app.js';
import { itemOperations } from '../../eas/commands/item-operations.js';
import { createEasHttpServer } from '../../eas/http/server.js';
import { parseMultipart } from '../../eas/model/multipart-response.js';
import { decode } from '../../eas/wbxml/decode.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { parseMessage } from '../../plugin/parse.js';
import { FolderType } from '../../store/types.js';
import { createEasClient, type EasClient } from '../helpers/eas-client.js';
import { fixture, tempMailbox, type Mailbox } from '../eas-model/helpers.js';
import { depsFor } from './context.js';
import { mail, sid } from '../helpers/items.js';

const expectedBytes = JSON.parse(readFileSync(new URL('../fixtures/eas-model/attachment-bytes.json', import.meta.url), 'utf8')) as Record<string, string>;

async function serve(t: ExecutionContext, box: Mailbox): Promise<number> {
  // Only the command under test: the rest of the table is other engineers' work in progress.
  const app = createEasApp(depsFor(box.store), { commands: { ItemOperations: itemOperations } });
  const server = createEasHttpServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

function client(port: number, extra: { base64Query?: boolean; user?: string; password?: string } = {}): EasClient {
  return createEasClient({
    port,
    user: extra.user ?? 'alice@example.com',
    password: extra.password ?? 'secret-pw',
    deviceId: 'ItemOpsHttp1',
    deviceType: 'Android',
    base64Query: extra.base64Query ?? false,
  });
}

const fetchByReference = (ref: string) =>
  el('ItemOperations:ItemOperations', [
    el('ItemOperations:Fetch', [el('ItemOperations:Store', 'Mailbox'), el('AirSyncBase:FileReference', ref)]),
  ]);

const fetchOf = (root: WbxmlElement | null) => {
  const f = root?.path('Response', 'Fetch');
  if (!f) throw new Error('no Response/Fetch');
  return f;
};

test('HTTP: every attachment arrives byte-exact inline (base64 Data)', async (t) => {
  const box = await tempMailbox(t);
  const item = mail(await box.deliverFixture('attachments.eml'));
  const eas = client(await serve(t, box));
  const pdf = item.attachments.find((a) => a.fileName === 'report.pdf')!;
  const blob = item.attachments.find((a) => a.contentType === 'application/octet-stream')!;
  for (const [att, name] of [[pdf, 'report.pdf'], [blob, 'blob']] as const) {
    const res = await eas.post('ItemOperations', fetchByReference(att.fileReference));
    t.is(res.status, 200);
    t.is(res.body?.textOf('Status'), '1');
    const f = fetchOf(res.body);
    t.is(f.textOf('Status'), '1');
    t.deepEqual(Buffer.from(f.path('Properties')?.textOf('Data') ?? '', 'base64'), Buffer.from(expectedBytes[name]!, 'base64'));
  }
});

test('HTTP: multipart asked by the MS-ASAcceptMultiPart header and by the base64 query bit', async (t) => {
  const box = await tempMailbox(t);
  const item = mail(await box.deliverFixture('attachments.eml'));
  const port = await serve(t, box);
  const pdf = item.attachments.find((a) => a.fileName === 'report.pdf')!;
  const expected = Buffer.from(expectedBytes['report.pdf']!, 'base64');

  const check = (raw: Buffer, contentType: unknown) => {
    t.regex(String(contentType), /^application\/vnd\.ms-sync\.multipart/);
    const parts = parseMultipart(raw);
    const f = fetchOf(decode(parts[0]!));
    t.is(f.textOf('Status'), '1');
    const index = Number(f.path('Properties')?.textOf('Part'));
    t.deepEqual(parts[index], expected);
  };

  const byHeader = await client(port).post('ItemOperations', fetchByReference(pdf.fileReference), { headers: { 'MS-ASAcceptMultiPart': 'T' } });
  t.is(byHeader.status, 200);
  check(byHeader.raw, byHeader.headers['content-type']);

  const byQuery = await client(port, { base64Query: true }).post('ItemOperations', fetchByReference(pdf.fileReference), {
    params: { AcceptMultiPart: 'T' },
  });
  t.is(byQuery.status, 200);
  check(byQuery.raw, byQuery.headers['content-type']);
});

test('HTTP: body types by BodyPreference (HTML, plain, MIME)', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('alternative.eml');
  const eas = client(await serve(t, box));
  const fetchWith = (options: WbxmlElement[]) =>
    eas.post(
      'ItemOperations',
      el('ItemOperations:ItemOperations', [
        el('ItemOperations:Fetch', [
          el('ItemOperations:Store', 'Mailbox'),
          el('AirSync:CollectionId', String(item.folderId)),
          el('AirSync:ServerId', sid(item)),
          el('ItemOperations:Options', options),
        ]),
      ]),
    );
  const bodyOf = async (options: WbxmlElement[]) => fetchOf((await fetchWith(options)).body).path('Properties', 'Body');
  const html = await bodyOf([el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', 2)])]);
  t.is(html?.textOf('Type'), '2');
  t.regex(html?.textOf('Data') ?? '', /<b>HTML<\/b>/);
  const plain = await bodyOf([el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', 1)])]);
  t.is(plain?.textOf('Data'), 'The plain version.');
  const mime = await bodyOf([el('AirSync:MIMESupport', 2), el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', 4)])]);
  t.is(mime?.textOf('Type'), '4');
  t.regex(mime?.textOf('Data') ?? '', /Message-ID: <alt-1@example\.net>\r\n/);
});

test("HTTP: another account's FileReference answers byte for byte like one that does not exist", async (t) => {
  const box = await tempMailbox(t);
  const bob = await box.store.createAccount('bob@example.com', 'bob-secret');
  const raw = fixture('attachments.eml');
  const [delivered] = await box.store.deliver([{ accountId: bob.id, raw }], await parseMessage(raw));
  const bobRef = mail(await box.store.getItem(bob.id, delivered!.itemId)).attachments[0]!.fileReference;
  // A reference of the same shape that names nothing, so even the echo is the same length.
  // (The fixture has four attachments, so index 9 names nothing.)
  const missing = bobRef.replace(/_\d+$/, '_9');
  t.not(missing, bobRef);
  t.is(await box.store.getAttachment(bob.id, missing), null);

  const eas = client(await serve(t, box));
  const other = await eas.post('ItemOperations', fetchByReference(bobRef));
  const none = await eas.post('ItemOperations', fetchByReference(missing));
  t.is(other.status, 200);
  t.is(none.status, 200);
  t.is(fetchOf(other.body).textOf('Status'), '15');
  const echoless = (b: Buffer, ref: string) => b.toString('latin1').replace(ref, '<ref>');
  t.is(echoless(other.raw, bobRef), echoless(none.raw, missing));

  // Bob himself gets it.
  const asBob = await client(eas.opts.port, { user: 'bob@example.com', password: 'bob-secret' }).post('ItemOperations', fetchByReference(bobRef));
  t.is(fetchOf(asBob.body).textOf('Status'), '1');
});

test('HTTP: EmptyFolderContents on Deleted Items', async (t) => {
  const box = await tempMailbox(t);
  const trash = (await box.store.folderByType(box.account.id, FolderType.DeletedItems))!;
  const raw = fixture('plain.eml');
  const parsed = await parseMessage(raw);
  await box.store.deliver([{ accountId: box.account.id, raw, folderId: trash.id }], parsed);
  await box.store.deliver([{ accountId: box.account.id, raw, folderId: trash.id }], parsed);
  t.is(await box.store.countItems(box.account.id, trash.id), 2);

  const res = await client(await serve(t, box)).post(
    'ItemOperations',
    el('ItemOperations:ItemOperations', [el('ItemOperations:EmptyFolderContents', [el('AirSync:CollectionId', String(trash.id))])]),
  );
  t.is(res.status, 200);
  t.is(res.body?.path('Response', 'EmptyFolderContents')?.textOf('Status'), '1');
  t.is(await box.store.countItems(box.account.id, trash.id), 0);
});
