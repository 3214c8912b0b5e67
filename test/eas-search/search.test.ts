// Search (Mailbox and GAL stores) through the command handler with a real store and parser.

import test from 'ava';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { search } from '../../eas/commands/search.js';
import { conversationId } from '../../eas/model/conversation.js';
import { FolderType, type Account } from '../../store/types.js';
import type { CommandResult } from '../../eas/commands/types.js';
import { createHarness, type Harness } from '../eas-send/context.js';
import { mail, sid } from '../helpers/items.js';

function message(subject: string, body: string, to = 'bob@example.test', date = 'Tue, 02 Jan 2024 10:00:00 +0000'): Buffer {
  return Buffer.from([`From: Carol <carol@example.test>`, `To: ${to}`, `Subject: ${subject}`, `Date: ${date}`, '', body, ''].join('\r\n'));
}

async function setup(t: { teardown(fn: () => void): void }) {
  const h = createHarness();
  t.teardown(async () => await h.close());
  const alice = await h.account('alice@example.test', 'Alice Liddell');
  const bob = await h.account('bob@example.test', 'Bob Builder');
  await h.account('barbara@example.test', 'Barbara');
  const deliver = (to: string, raw: Buffer) => h.deps.deliverLocal({ from: 'carol@example.test', to: [to] }, raw);
  await deliver('bob@example.test', message('Invoice for March', 'Please pay within 30 days.'));
  await deliver('bob@example.test', message('Holiday photos', 'Pictures from the beach are attached.'));
  await deliver('alice@example.test', message('Invoice for April', 'Alice owes money: beach house rent.', 'alice@example.test'));
  return { h, alice, bob };
}

function mailboxSearch(conditions: WbxmlElement[], options: (WbxmlElement | false)[] = []): WbxmlElement {
  return el('Search:Search', [
    el('Search:Store', [
      el('Search:Name', 'Mailbox'),
      el('Search:Query', [el('Search:And', conditions)]),
      el('Search:Options', options),
    ]),
  ]);
}

function storeOf(result: CommandResult): WbxmlElement {
  if (result.kind !== 'wbxml') throw new Error('expected WBXML');
  if (result.body.intOf('Status') !== 1) throw new Error(`top-level Status ${result.body.textOf('Status')}`);
  return result.body.path('Response', 'Store')!;
}

function subjects(store: WbxmlElement): string[] {
  return store.all('Result').filter((r) => r.children.length > 0).map((r) => r.child('Properties')!.textOf('Email:Subject') ?? '');
}

const run = async (h: Harness, who: Account, request: WbxmlElement) => await h.run(search.handler, who, { request, cmd: 'Search' });

test('finds a message by a body word, with LongId, CollectionId and Properties', async (t) => {
  const { h, bob } = await setup(t);
  const store = storeOf(
    await run(h, bob, mailboxSearch(
      [el('AirSync:Class', 'Email'), el('Search:FreeText', 'beach')],
      [el('Search:RebuildResults'), el('Search:Range', '0-24'), el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', '1'), el('AirSyncBase:TruncationSize', '5120')])],
    )),
  );
  t.is(store.intOf('Status'), 1);
  t.deepEqual(subjects(store), ['Holiday photos'], "alice's beach house never appears");
  t.is(store.intOf('Total'), 1);
  t.is(store.textOf('Range'), '0-0');
  const result = store.child('Result')!;
  const inbox = (await h.store.folderByType(bob.id, FolderType.Inbox))!;
  t.is(result.textOf('AirSync:Class'), 'Email');
  t.is(result.textOf('AirSync:CollectionId'), String(inbox.id));
  const item = mail((await h.store.listItems(bob.id, inbox.id)).find((i) => mail(i).summary.subject === 'Holiday photos'));
  t.is(result.textOf('Search:LongId'), sid(item));
  t.regex(result.child('Properties')!.path('AirSyncBase:Body', 'AirSyncBase:Data')?.text ?? '', /beach are attached/);
  t.is(result.child('Properties')!.textOf('Email2:IsDraft'), '0');
});

test('a result Bcc\'d to the searcher carries ReceivedAsBcc 1', async (t) => {
  const { h, bob } = await setup(t);
  // Delivered to bob by the envelope while the header names only dora: a blind copy.
  await h.deps.deliverLocal({ from: 'carol@example.test', to: ['bob@example.test'] }, message('Quiet copy', 'A blind copy about the lighthouse.', 'dora@example.test'));
  const store = storeOf(await run(h, bob, mailboxSearch([el('AirSync:Class', 'Email'), el('Search:FreeText', 'lighthouse')], [el('Search:Range', '0-9')])));
  t.deepEqual(subjects(store), ['Quiet copy']);
  t.is(store.path('Result', 'Properties')!.textOf('Email2:ReceivedAsBcc'), '1');
});

test('finds a message by its subject; CollectionId restricts the folders', async (t) => {
  const { h, bob } = await setup(t);
  const inbox = (await h.store.folderByType(bob.id, FolderType.Inbox))!;
  const sentItems = (await h.store.folderByType(bob.id, FolderType.SentItems))!;
  const inInbox = storeOf(await run(h, bob, mailboxSearch([el('AirSync:CollectionId', String(inbox.id)), el('Search:FreeText', 'invoice')])));
  t.deepEqual(subjects(inInbox), ['Invoice for March']);
  const inSent = storeOf(await run(h, bob, mailboxSearch([el('AirSync:CollectionId', String(sentItems.id)), el('Search:FreeText', 'invoice')])));
  t.is(inSent.intOf('Total'), 0);
  t.deepEqual(subjects(inSent), []);
  t.true(inSent.has('Result'), 'no match is an empty Result');
});

test('another account never appears, even when its folder is named', async (t) => {
  const { h, alice, bob } = await setup(t);
  const aliceInbox = (await h.store.folderByType(alice.id, FolderType.Inbox))!;
  const byName = storeOf(await run(h, bob, mailboxSearch([el('Search:FreeText', 'April')])));
  t.is(byName.intOf('Total'), 0);
  const byFolder = storeOf(await run(h, bob, mailboxSearch([el('AirSync:CollectionId', String(aliceInbox.id)), el('Search:FreeText', 'invoice')])));
  t.is(byFolder.intOf('Total'), 0);
  t.deepEqual(subjects(byFolder), []);
});

test('Range pages through the matches, newest first, with the Total', async (t) => {
  const { h, bob } = await setup(t);
  for (let i = 1; i <= 5; i++) {
    await h.deps.deliverLocal(
      { from: 'carol@example.test', to: ['bob@example.test'] },
      message(`Weekly report ${i}`, 'status update', 'bob@example.test', `Wed, 0${i} Jan 2025 10:00:00 +0000`),
    );
  }
  const first = storeOf(await run(h, bob, mailboxSearch([el('Search:FreeText', 'report')], [el('Search:Range', '0-1')])));
  t.is(first.intOf('Total'), 5);
  t.is(first.textOf('Range'), '0-1');
  t.is(subjects(first).length, 2);
  const rest = storeOf(await run(h, bob, mailboxSearch([el('Search:FreeText', 'report')], [el('Search:Range', '2-9')])));
  t.is(rest.textOf('Range'), '2-4');
  t.is(subjects(rest).length, 3);
  t.deepEqual(new Set([...subjects(first), ...subjects(rest)]).size, 5);
  const all = storeOf(await run(h, bob, mailboxSearch([el('Search:FreeText', 'report')])));
  t.is(all.textOf('Range'), '0-4', 'default Range 0-99');
});

test('date conditions filter the matches on arrival time, as email:DateReceived shows it', async (t) => {
  const { h, bob } = await setup(t);
  // The Date header says 2024; DateReceived (MS-ASEMAIL 2.2.2.24) is when it reached the mailbox.
  await h.deps.deliverLocal(
    { from: 'carol@example.test', to: ['bob@example.test'] },
    message('Invoice for May', 'new invoice', 'bob@example.test', 'Wed, 01 May 2024 10:00:00 +0000'),
  );
  const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
  const cond = (name: string, at: string) => el(`Search:${name}`, [el('Email:DateReceived'), el('Search:Value', at)]);
  const run1 = async (c: ReturnType<typeof el>) => subjects(storeOf(await run(h, bob, mailboxSearch([el('Search:FreeText', 'invoice'), c])))).sort();
  t.deepEqual(await run1(cond('GreaterThan', iso(-3_600_000))), ['Invoice for March', 'Invoice for May']);
  t.deepEqual(await run1(cond('GreaterThan', '2025-01-01T00:00:00.000Z')), ['Invoice for March', 'Invoice for May'], 'not the 2024 Date header');
  t.deepEqual(await run1(cond('GreaterThan', iso(3_600_000))), []);
  t.deepEqual(await run1(cond('LessThan', iso(-3_600_000))), []);
});

test('GAL finds local accounts; DocumentLibrary is refused; bad requests get Store Status 2', async (t) => {
  const { h, bob } = await setup(t);
  const gal = (q: string) =>
    el('Search:Search', [el('Search:Store', [el('Search:Name', 'GAL'), el('Search:Query', q), el('Search:Options', [el('Search:Range', '0-99')])])]);
  const found = storeOf(await run(h, bob, gal('alice')));
  t.is(found.intOf('Total'), 1);
  t.is(found.path('Result', 'Properties')!.textOf('GAL:EmailAddress'), 'alice@example.test');
  t.is(found.path('Result', 'Properties')!.textOf('GAL:DisplayName'), 'Alice Liddell');
  t.is(storeOf(await run(h, bob, gal('nobody-like-this'))).intOf('Total'), 0);

  const doclib = el('Search:Search', [el('Search:Store', [el('Search:Name', 'DocumentLibrary'), el('Search:Query', [el('Search:EqualTo', [])])])]);
  t.is(storeOf(await run(h, bob, doclib)).intOf('Status'), 5);

  t.is(storeOf(await run(h, bob, el('Search:Search', []))).intOf('Status'), 2);
  t.is(storeOf(await run(h, bob, mailboxSearch([el('Search:FreeText', 'x')], [el('Search:Range', 'ten')]))).intOf('Status'), 2);
  t.is(storeOf(await run(h, bob, mailboxSearch([el('AirSync:CollectionId', 'abc'), el('Search:FreeText', 'x')]))).intOf('Status'), 2);
  t.is(storeOf(await run(h, bob, mailboxSearch([el('Search:FreeText', 'x')], [el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', '9')])]))).intOf('Status'), 2);
  t.is(storeOf(await run(h, bob, mailboxSearch([el('Search:Or', [])]))).intOf('Status'), 2);
});

test('ConversationId finds the messages of one thread without FreeText', async (t) => {
  const { h, bob } = await setup(t);
  const thread = (subject: string, extra: string[]) =>
    Buffer.from(['From: carol@example.test', 'To: bob@example.test', `Subject: ${subject}`, ...extra, '', 'x', ''].join('\r\n'));
  const deliver = (raw: Buffer) => h.deps.deliverLocal({ from: 'carol@example.test', to: ['bob@example.test'] }, raw);
  await deliver(thread('Trip', ['Message-ID: <trip-1@example.test>']));
  await deliver(thread('Re: Trip', ['Message-ID: <trip-2@example.test>', 'In-Reply-To: <trip-1@example.test>', 'References: <trip-1@example.test>']));
  const inbox = (await h.store.folderByType(bob.id, FolderType.Inbox))!;
  const first = mail((await h.store.listItems(bob.id, inbox.id)).find((i) => mail(i).summary.subject === 'Trip'));
  const request = el('Search:Search', [
    el('Search:Store', [
      el('Search:Name', 'Mailbox'),
      el('Search:Query', [el('Search:And', [el('Search:ConversationId', conversationId(first))])]),
    ]),
  ]);
  const store = storeOf(await run(h, bob, request));
  t.deepEqual(subjects(store).sort(), ['Re: Trip', 'Trip']);
});
