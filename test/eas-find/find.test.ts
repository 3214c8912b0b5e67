// Find (MS-ASCMD 2.2.1.2, 16.1; docs/clients.md rule 34) over HTTP with the test EAS client:
// MailBoxSearchCriterion (free text over the full-text index, a folder, DeepTraversal, Range
// paging with Total, KQL property restrictions, the result Properties incl. Preview and
// HasAttachments), GALSearchCriterion (Query, Range, Picture), the Status values, and the
// command's absence below 16.1. libwbxml has no code page 25, so answers are read with our codec.

import test, { type ExecutionContext } from 'ava';
import { randomUUID } from 'node:crypto';
import { FolderType } from '../../store/types.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { createEasClient, type EasClient } from '../helpers/eas-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const PW = 'find-test-password';
const PHOTO = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 3), Buffer.from([0xff, 0xd9])]);

function message(subject: string, body: string, extra: string[] = []): Buffer {
  return Buffer.from(
    [`From: Carol Sender <carol@example.org>`, 'To: Dana <dana@example.com>', 'Cc: Erin <erin@example.com>', `Subject: ${subject}`, 'Date: Tue, 02 Jan 2024 10:00:00 +0000', ...extra, '', body, ''].join('\r\n'),
  );
}

const WITH_ATTACHMENT = (subject: string) =>
  Buffer.from(
    [
      'From: Carol Sender <carol@example.org>', 'To: dana@example.com', `Subject: ${subject}`, 'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"', '', '--b1', 'Content-Type: text/plain', '', 'Report attached.', '--b1',
      'Content-Type: application/pdf; name="r.pdf"', 'Content-Disposition: attachment; filename="r.pdf"', 'Content-Transfer-Encoding: base64', '',
      Buffer.from('%PDF-1.4 quarterly').toString('base64'), '--b1--', '',
    ].join('\r\n'),
  );

interface Env {
  s: TestServer;
  phone: EasClient;
  inbox: string;
  projects: string;
  archive: string;
}

async function setup(t: ExecutionContext): Promise<Env> {
  const s = await startTestServer();
  t.teardown(() => s.stop());
  const dana = await s.store.createAccount('dana@example.com', PW, 'Dana Scully');
  await s.store.createAccount('erin@example.com', PW, 'Erin Lane');
  await s.store.createAccount('frank@example.com', PW, 'Frank Erwin');
  const deliver = (raw: Buffer) => s.server.deps.deliverLocal({ from: 'carol@example.org', to: ['dana@example.com'] }, raw);
  for (let i = 1; i <= 5; i++) await deliver(message(`Budget review ${i}`, `The budget numbers for quarter ${i}.`));
  await deliver(message('Lunch plans', 'Shall we meet at noon? No budget talk.'));
  await deliver(WITH_ATTACHMENT('Quarterly report'));
  const inboxFolder = (await s.store.folderByType(dana.id, FolderType.Inbox))!;
  const projects = await s.store.createFolder(dana.id, inboxFolder.id, 'Projects', FolderType.UserMail, null);
  const archive = await s.store.createFolder(dana.id, projects.id, 'Archive', FolderType.UserMail, null);
  // One budget mail two levels down: only DeepTraversal from Projects reaches it.
  const deep = (await s.store.listItems(dana.id, inboxFolder.id)).find((i) => i.kind === 'mail' && i.summary.subject === 'Budget review 1')!;
  await s.store.moveItem(dana.id, deep.id, archive.id, null);
  const phone = createEasClient({ port: s.httpPort, user: 'dana@example.com', password: PW, deviceId: 'FINDPHONE1' });
  return { s, phone, inbox: String(inboxFolder.id), projects: String(projects.id), archive: String(archive.id) };
}

function mailboxFind(searchId: string, query: (WbxmlElement | false)[], options: (WbxmlElement | false)[] = []): WbxmlElement {
  return el('Find:Find', [
    el('Find:SearchId', searchId),
    el('Find:ExecuteSearch', [el('Find:MailBoxSearchCriterion', [el('Find:Query', query), options.length > 0 && el('Find:Options', options)])]),
  ]);
}

function galFind(searchId: string, query: string, options: WbxmlElement[] = []): WbxmlElement {
  return el('Find:Find', [
    el('Find:SearchId', searchId),
    el('Find:ExecuteSearch', [el('Find:GalSearchCriterion', [el('Find:Query', query), options.length > 0 && el('Find:Options', options)])]),
  ]);
}

async function find(t: ExecutionContext, phone: EasClient, body: WbxmlElement): Promise<WbxmlElement> {
  const res = await phone.post('Find', body);
  t.is(res.status, 200);
  t.is(res.body!.tag, 'Find:Find');
  return res.body!;
}

/** The Response of a successful Find, checked for the spec's element order. */
function responseOf(t: ExecutionContext, root: WbxmlElement): WbxmlElement {
  t.deepEqual(root.children.map((c) => c.name), ['Status', 'Response']);
  t.is(root.intOf('Status'), 1);
  const r = root.child('Response')!;
  const names = r.children.map((c) => c.tag);
  t.deepEqual(names.slice(0, 2), ['ItemOperations:Store', 'Find:Status']);
  t.is(r.textOf('ItemOperations:Store'), 'Mailbox');
  t.is(r.intOf('Status'), 1);
  const tail = names.filter((n) => n !== 'Find:Result').slice(2);
  t.deepEqual(tail, r.has('Range') ? ['Find:Range', 'Find:Total'] : ['Find:Total']);
  return r;
}

const subjects = (r: WbxmlElement) => r.all('Result').map((x) => x.path('Properties')!.textOf('Email:Subject'));

test('free text over the whole mailbox, paged with Range and Total, the same SearchId for the next page', async (t) => {
  const { phone } = await setup(t);
  const id = randomUUID();
  const first = responseOf(t, await find(t, phone, mailboxFind(id, [el('AirSync:Class', 'Email'), el('Find:FreeText', 'budget')], [el('Find:Range', '0-3')])));
  t.is(first.intOf('Total'), 6, 'five reviews (one in Archive) and the lunch mail that mentions the budget');
  t.is(first.textOf('Range'), '0-3');
  t.is(first.all('Result').length, 4);
  const next = responseOf(t, await find(t, phone, mailboxFind(id, [el('Find:FreeText', 'budget')], [el('Find:Range', '4-9')])));
  t.is(next.textOf('Range'), '4-5');
  t.is(next.intOf('Total'), 6);
  const all = [...subjects(first), ...subjects(next)];
  t.is(new Set(all).size, 6, 'no result twice across the pages');

  // A result: Class, ServerId, CollectionId, then the Properties in the spec's order.
  const lunch = (await find(t, phone, mailboxFind(randomUUID(), [el('Find:FreeText', 'noon')]))).path('Response', 'Result')!;
  t.deepEqual(lunch.children.map((c) => c.tag), ['AirSync:Class', 'AirSync:ServerId', 'AirSync:CollectionId', 'Find:Properties']);
  t.is(lunch.textOf('AirSync:Class'), 'Email');
  t.regex(lunch.textOf('AirSync:ServerId')!, /^\d+:\d+$/);
  const p = lunch.child('Find:Properties')!;
  t.deepEqual(p.children.map((c) => c.tag), [
    'Email:Subject', 'Email:DateReceived', 'Email:DisplayTo', 'Find:DisplayCc', 'Email:Importance', 'Email:Read', 'Email2:IsDraft', 'Find:Preview', 'Find:HasAttachments', 'Email:From',
  ]);
  t.is(p.textOf('Email:DisplayTo'), 'Dana');
  t.is(p.textOf('Find:DisplayCc'), 'Erin');
  t.regex(p.textOf('Find:Preview')!, /Shall we meet at noon/);
  t.is(p.intOf('Find:HasAttachments'), 0);
  t.is(p.textOf('Email:From'), '"Carol Sender" <carol@example.org>');
  const report = (await find(t, phone, mailboxFind(randomUUID(), [el('Find:FreeText', 'quarterly')]))).path('Response', 'Result', 'Properties')!;
  t.is(report.intOf('Find:HasAttachments'), 1);
});

test('a folder alone, or with DeepTraversal its subfolders too; KQL property restrictions and "*"', async (t) => {
  const { phone, inbox, projects, archive } = await setup(t);
  const inFolder = (folder: string, text: string, deep = false) =>
    find(t, phone, mailboxFind(randomUUID(), [el('Find:FreeText', text), el('AirSync:CollectionId', folder)], [deep && el('Find:DeepTraversal')]));
  t.is(responseOf(t, await inFolder(inbox, 'budget')).intOf('Total'), 5, 'Archive is not the Inbox');
  t.is(responseOf(t, await inFolder(projects, 'budget')).intOf('Total'), 0);
  const deep = responseOf(t, await inFolder(projects, 'budget', true));
  t.deepEqual(subjects(deep), ['Budget review 1']);
  t.is(deep.path('Result')!.textOf('AirSync:CollectionId'), archive);

  // KQL: subject: restricts to the subject; "lunch mail mentions budget" only in its body.
  t.is(responseOf(t, await find(t, phone, mailboxFind(randomUUID(), [el('Find:FreeText', 'subject: budget')]))).intOf('Total'), 5);
  t.deepEqual(subjects(responseOf(t, await find(t, phone, mailboxFind(randomUUID(), [el('Find:FreeText', 'subject:lunch')])))), ['Lunch plans']);
  t.is(responseOf(t, await find(t, phone, mailboxFind(randomUUID(), [el('Find:FreeText', 'from:carol subject:quarterly')]))).intOf('Total'), 1);
  t.is(responseOf(t, await find(t, phone, mailboxFind(randomUUID(), [el('Find:FreeText', '*'), el('AirSync:CollectionId', inbox)]))).intOf('Total'), 6);
  const none = responseOf(t, await find(t, phone, mailboxFind(randomUUID(), [el('Find:FreeText', 'nothingmatcheszz')])));
  t.is(none.intOf('Total'), 0);
  t.false(none.has('Range'));
});

test('GAL: Query by prefix with Range, Total and pictures', async (t) => {
  const { s, phone } = await setup(t);
  await s.store.updateDirectoryEntry((await s.store.findAccount('erin@example.com'))!.id, { firstName: 'Erin', lastName: 'Lane', picture: PHOTO });
  const r = responseOf(t, await find(t, phone, galFind(randomUUID(), 'er', [el('Find:Range', '0-0'), el('Find:Picture', [el('Find:MaxSize', '1000'), el('Find:MaxPictures', '5')])])));
  t.is(r.intOf('Total'), 2, 'Erin Lane and Frank Erwin (a word of the name)');
  t.is(r.textOf('Range'), '0-0');
  const props = r.path('Result', 'Properties')!;
  t.is(props.textOf('GAL:DisplayName'), 'Erin Lane');
  t.is(props.textOf('GAL:EmailAddress'), 'erin@example.com');
  t.is(props.path('GAL:Picture')!.intOf('GAL:Status'), 1);
  t.is(props.path('GAL:Picture')!.textOf('GAL:Data'), PHOTO.toString('base64'));
  const small = responseOf(t, await find(t, phone, galFind(randomUUID(), 'erin', [el('Find:Picture', [el('Find:MaxSize', '10')])])));
  t.is(small.path('Result', 'Properties', 'GAL:Picture')!.intOf('GAL:Status'), 174);
});

test('Status 2 for an invalid request or a range past 999, 3 for an unknown folder, 4 for a first page not at 0', async (t) => {
  const { phone } = await setup(t);
  const status = async (body: WbxmlElement) => {
    const root = await find(t, phone, body);
    t.false(root.has('Response'));
    return root.intOf('Status');
  };
  t.is(await status(mailboxFind('not-a-guid', [el('Find:FreeText', 'budget')])), 2);
  t.is(await status(mailboxFind(randomUUID(), [el('Find:FreeText', 'budget')], [el('Find:Range', '0-1000')])), 2);
  t.is(await status(mailboxFind(randomUUID(), [el('Find:FreeText', 'budget')], [el('Find:Range', '5-2')])), 2);
  t.is(await status(el('Find:Find', [el('Find:SearchId', randomUUID())])), 2);
  t.is(await status(mailboxFind(randomUUID(), [el('Find:FreeText', 'budget'), el('AirSync:CollectionId', '999999')])), 3);
  t.is(await status(mailboxFind(randomUUID(), [el('Find:FreeText', 'budget')], [el('Find:Range', '10-19')])), 4);
});

test('below 16.1 Find is not a command: HTTP 400', async (t) => {
  const { s } = await setup(t);
  const old = createEasClient({ port: s.httpPort, user: 'dana@example.com', password: PW, deviceId: 'OLDPHONE1', version: '16.0' });
  const res = await old.post('Find', mailboxFind(randomUUID(), [el('Find:FreeText', 'budget')]));
  t.is(res.status, 400);
  const options = await old.options();
  t.true(String(options.headers['ms-asprotocolcommands']).split(',').includes('Find'));
});
