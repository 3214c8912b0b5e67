// SmartReply and SmartForward through the command handlers (real store, parser, delivery).

import test from 'ava';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { smartReply } from '../../eas/commands/smart-reply.js';
import { smartForward } from '../../eas/commands/smart-forward.js';
import { parseMessage } from '../../plugin/index.js';
import { FolderType, type Account } from '../../store/types.js';
import type { CommandResult } from '../../eas/commands/types.js';
import { createHarness, type Harness } from './context.js';
import { mail, sid } from '../helpers/items.js';

const ORIGINAL = [
  'From: Carol <carol@example.test>',
  'To: bob@example.test',
  'Subject: Quarterly numbers',
  'Message-ID: <orig-2@example.test>',
  'References: <root-1@example.test>',
  'Date: Tue, 02 Jan 2024 10:00:00 +0000',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Revenue is up 12%.',
  'Costs are flat.',
  '',
].join('\r\n');

async function setup(t: { teardown(fn: () => void): void }) {
  const h = createHarness();
  t.teardown(async () => await h.close());
  const bob = await h.account('bob@example.test', 'Bob');
  const carol = await h.account('carol@example.test');
  const dave = await h.account('dave@example.test');
  await h.deps.deliverLocal({ from: 'carol@example.test', to: ['bob@example.test'] }, Buffer.from(ORIGINAL));
  const inboxId = (await h.store.folderByType(bob.id, FolderType.Inbox))!.id;
  const original = mail((await h.store.listItems(bob.id, inboxId))[0]);
  return { h, bob, carol, dave, inboxId, original };
}

function request(kind: 'SmartReply' | 'SmartForward', source: WbxmlElement[] | null, message: string, replaceMime = false): WbxmlElement {
  return el(`ComposeMail:${kind}`, [
    el('ComposeMail:ClientId', 'c1'),
    el('ComposeMail:SaveInSentItems'),
    replaceMime && el('ComposeMail:ReplaceMime'),
    source !== null && el('ComposeMail:Source', source),
    el('ComposeMail:Mime', new Uint8Array(Buffer.from(message))),
  ]);
}

const statusOf = (r: CommandResult) => (r.kind === 'wbxml' ? r.body.intOf('Status') : null);

async function lastInbox(h: Harness, a: Account) {
  const folder = (await h.store.folderByType(a.id, FolderType.Inbox))!;
  const item = (await h.store.listItems(a.id, folder.id))[0];
  return item ? { item: mail(item), raw: (await h.store.getBody(a.id, item.id))!.raw } : null;
}

test('SmartReply quotes the original below the reply and threads it', async (t) => {
  const { h, bob, carol, inboxId, original } = await setup(t);
  const reply = ['From: bob@example.test', 'To: carol@example.test', 'Subject: Re: Quarterly numbers', '', 'Great news!'].join('\r\n');
  const source = [el('ComposeMail:FolderId', String(inboxId)), el('ComposeMail:ItemId', sid(original))];
  const result = await h.run(smartReply.handler, bob, { request: request('SmartReply', source, reply) });
  t.is(result.kind, 'empty');
  const got = (await lastInbox(h, carol))!;
  t.is(got.item.summary.subject, 'Re: Quarterly numbers');
  t.is(got.item.summary.inReplyTo, '<orig-2@example.test>');
  t.deepEqual(got.item.summary.references, ['<root-1@example.test>', '<orig-2@example.test>']);
  const parsed = await parseMessage(got.raw);
  t.regex(parsed.text ?? '', /^Great news!/);
  t.regex(parsed.text ?? '', /wrote:\r?\n> Revenue is up 12%\.\r?\n> Costs are flat\./);
  const sentId = (await h.store.folderByType(bob.id, FolderType.SentItems))!.id;
  t.is((await h.store.listItems(bob.id, sentId)).length, 1);
});

test('SmartReply with an HTML reply quotes the original inside a blockquote and keeps the attachment', async (t) => {
  const { h, bob, carol, original } = await setup(t);
  const reply = [
    'From: bob@example.test',
    'To: carol@example.test',
    'Subject: Re: Quarterly numbers',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<html><body><p>See attached</p></body></html>',
    '--b1',
    'Content-Type: application/pdf; name="chart.pdf"',
    'Content-Disposition: attachment; filename="chart.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('%PDF-1.4 fake').toString('base64'),
    '--b1',
    'Content-Type: application/octet-stream; name="empty.bin"',
    'Content-Disposition: attachment; filename="empty.bin"',
    '',
    '',
    '--b1--',
    '',
  ].join('\r\n');
  const result = await h.run(smartReply.handler, bob, {
    request: request('SmartReply', [el('ComposeMail:LongId', sid(original))], reply),
  });
  t.is(result.kind, 'empty');
  const parsed = await parseMessage((await lastInbox(h, carol))!.raw);
  t.regex(parsed.html ?? '', /<p>See attached<\/p>[\s\S]*<blockquote type="cite"[^>]*>[\s\S]*Revenue is up 12%/);
  t.deepEqual(parsed.attachments.map((a) => a.fileName), ['chart.pdf'], 'the empty attachment entry is dropped');
  t.is(parsed.attachments[0]!.content.toString(), '%PDF-1.4 fake');
});

test('SmartReply with ReplaceMime sends the client MIME as is, with the thread headers added', async (t) => {
  const { h, bob, carol, inboxId, original } = await setup(t);
  const reply = ['From: bob@example.test', 'To: carol@example.test', 'Subject: Re: Quarterly numbers', '', 'Full text I wrote myself.', '> quoted by me', ''].join('\r\n');
  const source = [el('ComposeMail:FolderId', String(inboxId)), el('ComposeMail:ItemId', sid(original))];
  const result = await h.run(smartReply.handler, bob, { request: request('SmartReply', source, reply, true) });
  t.is(result.kind, 'empty');
  const got = (await lastInbox(h, carol))!;
  const raw = got.raw.toString();
  t.true(raw.endsWith('\r\n\r\nFull text I wrote myself.\r\n> quoted by me\r\n'), 'body untouched');
  t.notRegex(raw, /Revenue/);
  t.is(got.item.summary.inReplyTo, '<orig-2@example.test>');
  t.deepEqual(got.item.summary.references, ['<root-1@example.test>', '<orig-2@example.test>']);
});

test('SmartForward attaches the original as message/rfc822 after the client text', async (t) => {
  const { h, bob, dave, inboxId, original } = await setup(t);
  const fwd = ['From: bob@example.test', 'To: dave@example.test', 'Subject: Fwd: Quarterly numbers', 'Content-Type: text/plain; charset=utf-8', '', 'FYI, see below.'].join('\r\n');
  const source = [el('ComposeMail:FolderId', String(inboxId)), el('ComposeMail:ItemId', sid(original))];
  const result = await h.run(smartForward.handler, bob, { request: request('SmartForward', source, fwd) });
  t.is(result.kind, 'empty');
  const got = (await lastInbox(h, dave))!;
  const parsed = await parseMessage(got.raw);
  t.regex(parsed.text ?? '', /FYI, see below\./);
  const eml = parsed.attachments.find((a) => a.contentType === 'message/rfc822');
  t.truthy(eml);
  t.is(eml!.fileName, 'Quarterly numbers.eml');
  const inner = await parseMessage(eml!.content);
  t.is(inner.summary.subject, 'Quarterly numbers');
  t.regex(inner.text ?? '', /Revenue is up 12%/);
  t.notRegex(eml!.content.toString(), /^Delivered-To:/im, "our delivery's MDA fields are not forwarded");
  t.is(got.item.summary.inReplyTo, '<orig-2@example.test>');
});

test('SmartForward with ReplaceMime sends the client MIME as is', async (t) => {
  const { h, bob, dave, original } = await setup(t);
  const fwd = ['From: bob@example.test', 'To: dave@example.test', 'Subject: Fwd: Quarterly numbers', '', 'My own forward.', ''].join('\r\n');
  const result = await h.run(smartForward.handler, bob, {
    request: request('SmartForward', [el('ComposeMail:LongId', sid(original))], fwd, true),
  });
  t.is(result.kind, 'empty');
  const got = (await lastInbox(h, dave))!;
  t.true(got.raw.toString().endsWith('\r\n\r\nMy own forward.\r\n'));
  t.is(got.item.attachments.length, 0);
  t.deepEqual(got.item.summary.references, ['<root-1@example.test>', '<orig-2@example.test>']);
});

test('a missing original, a bad id or another account\'s item: Status 150 and nothing sent', async (t) => {
  const { h, bob, carol, dave, inboxId, original } = await setup(t);
  const reply = ['From: dave@example.test', 'To: carol@example.test', 'Subject: Re', '', 'x'].join('\r\n');
  // Dave tries to reply to Bob's message by its id: it is not his.
  const foreign = await h.run(smartReply.handler, dave, {
    request: request('SmartReply', [el('ComposeMail:FolderId', String(inboxId)), el('ComposeMail:ItemId', sid(original))], reply),
  });
  t.is(statusOf(foreign), 150);
  const missing = await h.run(smartReply.handler, bob, {
    request: request('SmartReply', [el('ComposeMail:ItemId', `${inboxId}:99999`)], reply.replace('dave@', 'bob@')),
  });
  t.is(statusOf(missing), 150);
  const garbage = await h.run(smartForward.handler, bob, { request: request('SmartForward', [el('ComposeMail:ItemId', 'zzz')], reply) });
  t.is(statusOf(garbage), 150);
  const noSource = await h.run(smartForward.handler, bob, { request: request('SmartForward', null, reply) });
  t.is(statusOf(noSource), 150);
  const wrongFolder = await h.run(smartReply.handler, bob, {
    request: request('SmartReply', [el('ComposeMail:FolderId', String(inboxId + 1)), el('ComposeMail:ItemId', sid(original))], reply),
  });
  t.is(statusOf(wrongFolder), 150);
  t.is(await lastInbox(h, carol), null);
});

test('SmartReply below 14.0: ItemId and CollectionId in the query, the reply as message/rfc822', async (t) => {
  const { h, bob, carol, inboxId, original } = await setup(t);
  const reply = ['From: bob@example.test', 'To: carol@example.test', 'Subject: Re: Quarterly numbers', '', 'Old client reply'].join('\r\n');
  const result = await h.run(smartReply.handler, bob, {
    raw: Buffer.from(reply),
    version: '12.1',
    saveInSent: true,
    params: { ItemId: sid(original), CollectionId: String(inboxId) },
    cmd: 'SmartReply',
  });
  t.is(result.kind, 'empty');
  const parsed = await parseMessage((await lastInbox(h, carol))!.raw);
  t.regex(parsed.text ?? '', /Old client reply[\s\S]*> Revenue is up 12%/);
});
