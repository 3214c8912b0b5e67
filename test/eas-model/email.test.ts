import test from 'ava';
import { emailChangeProperties, emailProperties, parseEmailChange } from '../../eas/model/email.js';
import { parseItemOptions, type ItemOptions } from '../../eas/model/options.js';
import { decode } from '../../eas/wbxml/decode.js';
import { encode } from '../../eas/wbxml/encode.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import type { ProtocolVersion } from '../../eas/protocol.js';
import { FolderType, type Item } from '../../store/types.js';
import { find, fixture, tempMailbox, textAt, type Mailbox } from './helpers.js';
import { mail } from '../helpers/items.js';

type Pref = { type: number; size?: number; allOrNone?: boolean; preview?: number };

function options(prefs: Pref[], extra: WbxmlElement[] = [], version: ProtocolVersion = '16.1'): ItemOptions {
  return parseItemOptions(
    [
      el('AirSync:Options', [
        ...extra,
        ...prefs.map((p) =>
          el('AirSyncBase:BodyPreference', [
            el('AirSyncBase:Type', p.type),
            p.size !== undefined && el('AirSyncBase:TruncationSize', p.size),
            p.allOrNone !== undefined && el('AirSyncBase:AllOrNone', p.allOrNone ? 1 : 0),
            p.preview !== undefined && el('AirSyncBase:Preview', p.preview),
          ]),
        ),
      ]),
    ],
    version,
  );
}

/** Maps the item, and round-trips it through the real WBXML codec (every tag must exist). */
async function props(box: Mailbox, item: Item, opts: ItemOptions, version: ProtocolVersion = '16.1'): Promise<WbxmlElement[]> {
  const context = { folderType: FolderType.Inbox, accountAddress: box.account.address };
  const children = await emailProperties(mail(item), async () => await box.store.getBody(box.account.id, item.id), opts, version, context);
  const decoded = decode(encode(el('AirSync:ApplicationData', children)));
  return decoded.children;
}

const body = (children: WbxmlElement[]): WbxmlElement => {
  const b = find(children, 'AirSyncBase:Body');
  if (!b) throw new Error('no Body');
  return b;
};

test('plain message: addresses, dates, importance and the fixed fields', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('plain.eml');
  const p = await props(box, item, options([{ type: 1 }]));
  t.is(textAt(p, 'Email:To'), '"Alice" <alice@example.com>, carol@example.org');
  t.is(textAt(p, 'Email:Cc'), '"Dave, Jr." <dave@example.org>');
  t.is(textAt(p, 'Email:From'), '"Bob Sender" <bob@example.net>');
  t.is(textAt(p, 'Email:ReplyTo'), 'replies@example.net');
  t.is(textAt(p, 'Email:Subject'), 'Plain hello');
  t.is(textAt(p, 'Email:DateReceived'), new Date(item.receivedAt).toISOString(), 'arrival in the mailbox, not the Date header (MS-ASEMAIL 2.2.2.24)');
  t.not(textAt(p, 'Email:DateReceived'), '2024-05-01T10:34:56.000Z');
  t.is(textAt(p, 'Email:DisplayTo'), 'Alice; carol@example.org');
  t.is(textAt(p, 'Email:ThreadTopic'), 'Plain hello');
  t.is(textAt(p, 'Email:Importance'), '2');
  t.is(textAt(p, 'Email:Read'), '0');
  t.is(textAt(p, 'Email:MessageClass'), 'IPM.Note');
  t.is(textAt(p, 'Email:InternetCPID'), '65001');
  t.is(textAt(p, 'Email:ContentClass'), 'urn:content-classes:message');
  t.is(textAt(p, 'AirSyncBase:NativeBodyType'), '1');
  t.truthy(find(p, 'Email:Flag'));
  t.is(find(p, 'Email:Flag')?.children.length, 0);
  t.falsy(find(p, 'AirSyncBase:Attachments'));
});

test('text is sent with CRLF line ends only, and EstimatedDataSize counts its UTF-8 bytes', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('plain.eml');
  const b = body(await props(box, item, options([{ type: 1 }])));
  const data = b.textOf('Data') ?? '';
  t.is(b.textOf('Type'), '1');
  t.regex(data, /Hello Alice,\r\nthis line ends in LF only\.\r\nBye/);
  t.notRegex(data, /[^\r]\n/);
  t.is(b.textOf('EstimatedDataSize'), String(Buffer.byteLength(data)));
  t.false(b.has('Truncated'));
  t.false(b.has('Preview'), 'no Preview beside a Type 1 body that carries Data');
});

test('HTML-only message: Type 2 is the HTML re-declared as UTF-8; Type 1 is text without markup', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('html-only.eml');
  const html = body(await props(box, item, options([{ type: 2 }])));
  t.is(html.textOf('Type'), '2');
  const data = html.textOf('Data') ?? '';
  t.regex(data, /Grüße aus <a href="https:\/\/example\.net\/track">Köln<\/a>/);
  t.regex(data, /charset=utf-8/);
  t.notRegex(data, /iso-8859-1/i);

  const p = await props(box, item, options([{ type: 1 }]));
  t.is(textAt(p, 'AirSyncBase:NativeBodyType'), '2');
  const text = body(p).textOf('Data') ?? '';
  t.is(body(p).textOf('Type'), '1');
  t.regex(text, /Grüße aus Köln/);
  t.notRegex(text, /<|https?:/);
});

test('Preview is plain text without links or images, at most the asked length (14.0+)', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('html-only.eml');
  const preview = body(await props(box, item, options([{ type: 2, preview: 20 }]))).textOf('Preview') ?? '';
  t.true(preview.length > 0 && Array.from(preview).length <= 20);
  t.true('Grüße aus Köln Second paragraph'.startsWith(preview.trim()));
  t.notRegex(preview, /<|https?:|pixel/);
  t.false(body(await props(box, item, options([{ type: 2, preview: 20 }], [], '12.1'), '12.1')).has('Preview'));
});

test('multipart/alternative: each type gets its own part; the native (HTML) one wins when both are asked', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('alternative.eml');
  t.regex(body(await props(box, item, options([{ type: 1 }]))).textOf('Data') ?? '', /^The plain version\./);
  t.regex(body(await props(box, item, options([{ type: 2 }]))).textOf('Data') ?? '', /<b>HTML<\/b>/);
  const both = body(await props(box, item, options([{ type: 1 }, { type: 2 }])));
  t.is(both.textOf('Type'), '2');
});

test('HTML asked of a text-only message: answered as Type 1', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('rfc2047.eml');
  const b = body(await props(box, item, options([{ type: 2 }])));
  t.is(b.textOf('Type'), '1');
  t.is(b.textOf('Data'), 'Schöne Grüße\r\n');
});

test('RFC 2047 names and subject are decoded; 8-bit ISO-8859-1 text arrives as UTF-8', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('rfc2047.eml');
  const p = await props(box, item, options([{ type: 1 }]));
  t.is(textAt(p, 'Email:Subject'), 'Grüße 😀 und Ärger');
  t.is(textAt(p, 'Email:From'), '"Jürgen Müller" <juergen@example.de>');
  t.is(textAt(p, 'Email:To'), '"Zähler Ö, \\"Quoted\\"" <zaehler@example.de>');
  t.is(body(p).textOf('EstimatedDataSize'), String(Buffer.byteLength('Schöne Grüße\r\n')));
});

test('truncation counts bytes and never splits a UTF-8 character', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('utf8.eml');
  const full = body(await props(box, item, options([{ type: 1 }]))).textOf('Data') ?? '';
  for (const size of [1, 7, 11, 13, 20, 33]) {
    const b = body(await props(box, item, options([{ type: 1, size }])));
    const data = b.textOf('Data') ?? '';
    t.true(Buffer.byteLength(data) <= size, `size ${size}`);
    t.true(full.startsWith(data), `size ${size}: a prefix of the full text`);
    t.false(data.includes('\uFFFD'));
    t.is(b.textOf('Truncated'), '1');
    t.is(b.textOf('EstimatedDataSize'), String(Buffer.byteLength(full)));
  }
  t.is(body(await props(box, item, options([{ type: 1, size: 7 }]))).textOf('Data'), 'При');
  const whole = body(await props(box, item, options([{ type: 1, size: 100000 }])));
  t.is(whole.textOf('Data'), full);
  t.false(whole.has('Truncated'));
});

test('AllOrNone: a body that does not fit sends no Data but Truncated; the next preference is tried first', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('alternative.eml');
  const none = body(await props(box, item, options([{ type: 2, size: 10, allOrNone: true }])));
  t.is(none.textOf('Type'), '2');
  t.is(none.textOf('Truncated'), '1');
  t.false(none.has('Data'));
  t.true(Number(none.textOf('EstimatedDataSize')) > 10);

  const fallback = body(await props(box, item, options([{ type: 2, size: 10, allOrNone: true }, { type: 1, size: 1000 }])));
  t.is(fallback.textOf('Type'), '1');
  t.regex(fallback.textOf('Data') ?? '', /^The plain version\./);

  const fits = body(await props(box, item, options([{ type: 2, size: 100000, allOrNone: true }])));
  t.regex(fits.textOf('Data') ?? '', /<b>HTML<\/b>/);
  t.false(fits.has('Truncated'));
});

test('MIME (Type 4) with MIMESupport 2: the raw message, CRLF line ends, EstimatedDataSize', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('plain.eml');
  const b = body(await props(box, item, options([{ type: 4 }], [el('AirSync:MIMESupport', 2)])));
  t.is(b.textOf('Type'), '4');
  const expected = fixture('plain.eml').toString('utf8').replace(/\n/g, '\r\n');
  const data = b.textOf('Data') ?? '';
  t.true(data.endsWith(expected), 'the stored message, line ends normalized');
  t.is(b.textOf('EstimatedDataSize'), String(Buffer.byteLength(data)));
});

test('MIME that is not UTF-8 travels byte-exact as OPAQUE', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('rfc2047.eml');
  const b = body(await props(box, item, options([{ type: 4 }], [el('AirSync:MIMESupport', 2)])));
  const data = b.child('Data');
  t.truthy(data?.opaque);
  const raw = (await box.store.getBody(box.account.id, item.id))?.raw;
  t.deepEqual(Buffer.from(data!.opaque!), raw);
  t.true(Buffer.from(data!.opaque!).includes(Buffer.from('Sch\u00f6ne', 'latin1')));
});

test('MIME truncation: MIMETruncation applies when MIMESupport asks for MIME without a Type 4 preference', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('attachments.eml');
  const b = body(await props(box, item, options([{ type: 2 }], [el('AirSync:MIMESupport', 2), el('AirSync:MIMETruncation', 1)])));
  t.is(b.textOf('Type'), '4');
  t.is(b.textOf('Truncated'), '1');
  t.is(Buffer.byteLength(b.textOf('Data') ?? ''), 4096);
});

test('MIMESupport 1: MIME for S/MIME items only, which are IPM.Note.SMIME.*', async (t) => {
  const box = await tempMailbox(t);
  const plain = await box.deliverFixture('plain.eml');
  const signed = await box.deliverFixture('signed.eml');
  const opts = options([{ type: 1 }, { type: 4 }], [el('AirSync:MIMESupport', 1)]);
  t.is(body(await props(box, plain, opts)).textOf('Type'), '1');
  const p = await props(box, signed, opts);
  t.is(body(p).textOf('Type'), '4');
  t.is(textAt(p, 'Email:MessageClass'), 'IPM.Note.SMIME.MultipartSigned');
});

test('attachments: every one named, URL-safe FileReference, Method 1, size, ContentId and IsInline', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('attachments.eml');
  const atts = find(await props(box, item, options([{ type: 2 }])), 'AirSyncBase:Attachments')?.all('Attachment') ?? [];
  t.is(atts.length, 4);
  for (const a of atts) {
    t.truthy(a.textOf('DisplayName'));
    t.regex(a.textOf('FileReference') ?? '', /^[A-Za-z0-9._~-]+$/);
    t.is(a.textOf('Method'), '1');
    t.true(Number(a.textOf('EstimatedDataSize')) > 0);
  }
  const byName = new Map(atts.map((a) => [a.textOf('DisplayName'), a]));
  t.is(byName.get('pic.png')?.textOf('ContentId'), 'pic1@example.net');
  t.is(byName.get('pic.png')?.textOf('IsInline'), '1');
  t.is(byName.get('report.pdf')?.textOf('EstimatedDataSize'), '1040');
  t.is(byName.get('report.pdf')?.textOf('IsInline'), '0');
  t.false(byName.get('report.pdf')?.has('ContentId') ?? true);
  const names = [...byName.keys()];
  t.true(names.some((n) => n?.endsWith('.eml')), `an embedded message is named *.eml: ${names.join(', ')}`);
  t.true(names.some((n) => n?.endsWith('.bin')), `the unnamed part gets a name: ${names.join(', ')}`);
});

test('12.1 shape: no Email2 conversation fields, Categories, Preview or BodyPart', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('alternative.eml');
  await box.store.updateItem(box.account.id, item.id, { categories: ['Work'] }, null);
  const fresh = (await box.store.getItem(box.account.id, item.id))!;
  const extra = [el('AirSyncBase:BodyPartPreference', [el('AirSyncBase:Type', 2)])];
  const old = await props(box, fresh, options([{ type: 2, preview: 50 }], extra, '12.1'), '12.1');
  t.false(old.some((c) => c.ns === 'Email2'));
  t.falsy(find(old, 'Email:Categories'));
  t.falsy(find(old, 'AirSyncBase:BodyPart'));
  t.false(body(old).has('Preview'));
  t.truthy(find(old, 'AirSyncBase:NativeBodyType'));

  const now = await props(box, fresh, options([{ type: 2, preview: 50 }], extra, '16.1'), '16.1');
  t.is(find(now, 'Email2:ConversationId')?.opaque?.length, 16);
  t.true((find(now, 'Email2:ConversationIndex')?.opaque?.length ?? 0) > 0);
  t.deepEqual(find(now, 'Email:Categories')?.all('Category').map((c) => c.text), ['Work']);
  t.true(body(now).has('Preview'));
  const part = find(now, 'AirSyncBase:BodyPart');
  t.is(part?.textOf('Status'), '1');
  t.is(part?.textOf('Type'), '2');
  t.regex(part?.textOf('Data') ?? '', /<b>HTML<\/b>/);
});

test('ConversationId: the same for a reply and the thread it answers, different for another thread', async (t) => {
  const box = await tempMailbox(t);
  const original = await box.deliverFixture('plain.eml');
  const reply = await box.deliverFixture('reply.eml');
  const other = await box.deliverFixture('alternative.eml');
  const id = async (item: Item) => Buffer.from(find(await props(box, item, options([])), 'Email2:ConversationId')!.opaque!).toString('hex');
  t.is(await id(original), await id(reply));
  t.not(await id(original), await id(other));
});

test('emailChangeProperties: Read, Flag (empty when cleared), Categories from 14.0', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('plain.eml');
  const flagged = (await box.store.updateItem(
    box.account.id,
    item.id,
    { read: true, flag: { status: 2, flagType: 'Follow up', startDate: '2024-05-01T00:00:00.000Z', dueDate: '2024-05-03T00:00:00.000Z' } },
    null,
  ))!;
  const round = (children: WbxmlElement[]) => decode(encode(el('AirSync:ApplicationData', children))).children;
  const c = round(emailChangeProperties(mail(flagged), '16.1'));
  t.deepEqual(c.map((e) => e.tag), ['Email:Read', 'Email:Flag', 'Email:Categories']);
  t.is(textAt(c, 'Email:Read'), '1');
  const flag = find(c, 'Email:Flag')!;
  t.is(flag.textOf('Email:Status'), '2');
  t.is(flag.textOf('Email:FlagType'), 'Follow up');
  t.is(flag.textOf('Tasks:UtcDueDate'), '2024-05-03T00:00:00.000Z');
  t.is(flag.textOf('Tasks:StartDate'), '2024-05-01T00:00:00.000Z');

  const cleared = (await box.store.updateItem(box.account.id, item.id, { flag: null }, null))!;
  const old = round(emailChangeProperties(mail(cleared), '12.1'));
  t.deepEqual(old.map((e) => e.tag), ['Email:Read', 'Email:Flag']);
  t.is(find(old, 'Email:Flag')?.children.length, 0);
});

test('parseEmailChange: a client Change of Read, Flag and Categories', (t) => {
  const change = parseEmailChange(
    el('AirSync:ApplicationData', [
      el('Email:Read', '1'),
      el('Email:Flag', [
        el('Email:Status', 2),
        el('Email:FlagType', 'Follow up'),
        el('Tasks:StartDate', '2024-05-01T00:00:00.000Z'),
        el('Tasks:UtcStartDate', '2024-04-30T22:00:00.000Z'),
        el('Tasks:DueDate', '2024-05-02T00:00:00.000Z'),
        el('Tasks:UtcDueDate', '2024-05-01T22:00:00.000Z'),
      ]),
      el('Email:Categories', [el('Email:Category', 'Red'), el('Email:Category', 'Blue'), el('Email:Category', 'Red')]),
    ]),
  );
  t.deepEqual(change, {
    read: true,
    flag: { status: 2, flagType: 'Follow up', startDate: '2024-04-30T22:00:00.000Z', dueDate: '2024-05-01T22:00:00.000Z' },
    categories: ['Red', 'Blue'],
  });
});

test('parseEmailChange: empty Flag clears, completion keeps its time, empty Categories clears, junk is ignored', (t) => {
  t.deepEqual(parseEmailChange(el('AirSync:ApplicationData', [el('Email:Flag'), el('Email:Categories')])), { flag: null, categories: [] });
  t.deepEqual(
    parseEmailChange(
      el('AirSync:ApplicationData', [
        el('Email:Flag', [el('Email:Status', 1), el('Email:CompleteTime', '2024-05-02T10:00:00.000Z'), el('Tasks:DateCompleted', '2024-05-02T10:00:00.000Z')]),
      ]),
    ),
    { flag: { status: 1, completeTime: '2024-05-02T10:00:00.000Z' } },
  );
  t.deepEqual(parseEmailChange(el('AirSync:ApplicationData', [el('Email:Read', '7'), el('Email:Flag', [el('Email:Status', 9)])])), {});
  t.deepEqual(parseEmailChange(el('AirSync:ApplicationData', [el('Email:Read', '0')])), { read: false });
});
