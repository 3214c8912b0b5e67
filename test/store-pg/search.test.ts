// Full-text search on PostgreSQL: prefix matching over subject, addresses and body, finding
// what SQLite's FTS5 index (store/search.ts) finds for the same mail and the same words.
import Database from 'better-sqlite3';
import type pg from 'pg';
import { ftsQuery } from '../../store/search.js';
import { withTransaction } from '../../store/postgres/connect.js';
import { indexMessage, messageLexemes, prefixQuery, searchItems, searchWords, type SearchText } from '../../store/postgres/search.js';
import plainTest from 'ava';
import { pgDatabase, pgTest as test } from '../helpers/postgres.js';

interface Mail extends SearchText {
  receivedAt: string;
}

async function addAccount(pool: pg.Pool, address: string): Promise<{ account: number; inbox: number; archive: number }> {
  const a = await pool.query<{ id: number }>(
    `INSERT INTO accounts (address, password_hash, created_at) VALUES ($1, 'x', '2024-01-01T00:00:00.000Z') RETURNING id`,
    [address],
  );
  const account = a.rows[0]!.id;
  const f = await pool.query<{ id: number }>(
    `INSERT INTO folders (account_id, name, type, system, created_modseq, modseq)
     VALUES ($1, 'Inbox', 2, 1, 1, 1), ($1, 'Archive', 12, 0, 1, 1) RETURNING id`,
    [account],
  );
  return { account, inbox: f.rows[0]!.id, archive: f.rows[1]!.id };
}

/** A message, its item and its index entry, as a delivery writes them. Returns the item id. */
async function put(pool: pg.Pool, account: number, folder: number, m: Mail): Promise<number> {
  return withTransaction(pool, async (c) => {
    const msg = await c.query<{ id: number }>(
      `INSERT INTO messages (account_id, raw, size, subject, from_json, to_json, cc_json, reply_to_json, date, references_json,
         importance, has_attachments, attachment_count, preview, malformed, body_text)
       VALUES ($1, $2, $3, $4, '[]', '[]', '[]', '[]', $5, '[]', 1, 0, 0, '', 0, $6) RETURNING id`,
      [account, Buffer.from(`Subject: ${m.subject}\r\n\r\n${m.body}`), m.body.length, m.subject, m.receivedAt, m.body],
    );
    const messageId = msg.rows[0]!.id;
    await indexMessage(c, messageId, m);
    const item = await c.query<{ id: number }>(
      `INSERT INTO items (account_id, folder_id, message_id, received_at, created_modseq, modseq) VALUES ($1, $2, $3, $4, 1, 1) RETURNING id`,
      [account, folder, messageId, m.receivedAt],
    );
    return item.rows[0]!.id;
  });
}

function mail(n: number, over: Partial<Mail>): Mail {
  return {
    subject: '',
    sender: 'Sender sender@example.org',
    recipients: 'Alice alice@example.com',
    cc: '',
    body: '',
    receivedAt: `2024-05-0${n}T10:00:00.000Z`,
    ...over,
  };
}

test('search finds by subject, sender, recipient and body words, by prefix, newest first, per account', async (t) => {
  const db = await pgDatabase(t, { migrated: true });
  const pool = db.pool();
  const a = await addAccount(pool, 'alice@example.com');
  const b = await addAccount(pool, 'bob@example.com');
  const invoice = await put(pool, a.account, a.inbox, mail(1, { subject: 'Invoice for May', body: 'Please pay' }));
  const lunch = await put(pool, a.account, a.archive, mail(2, { subject: 'Lunch?', body: 'The invoice can wait', sender: 'Carol Smith carol@example.org' }));
  await put(pool, a.account, a.inbox, mail(3, { subject: 'Newsletter', body: 'Crème brûlée recipe' }));
  await put(pool, b.account, b.inbox, mail(4, { subject: 'Invoice for Bob', recipients: 'Bob bob@example.com' }));

  const c = await pool.connect();
  t.teardown(() => c.release());
  const find = (text: string, more: { folderId?: number; rangeStart?: number; rangeEnd?: number } = {}) =>
    searchItems(c, { accountId: a.account, text, rangeStart: 0, rangeEnd: 9, ...more });

  t.deepEqual(await find('invoice'), { total: 2, itemIds: [lunch, invoice] });
  t.deepEqual((await find('INV')).itemIds, [lunch, invoice]);
  t.deepEqual((await find('invoice', { folderId: a.inbox })).itemIds, [invoice]);
  t.deepEqual((await find('carol')).itemIds, [lunch]);
  t.is((await find('alice@example.com', { rangeEnd: 0 })).total, 3);
  t.is((await find('example.c')).total, 3);
  t.is((await find('creme brulee')).total, 1);
  t.deepEqual(await find('invoice', { rangeStart: 1, rangeEnd: 1 }), { total: 2, itemIds: [invoice] });
  t.is((await find('"*) OR NOT (')).total, 0);
  t.is((await find('nothing-like-this')).total, 0);
  t.deepEqual(await find('  ,;  '), { total: 0, itemIds: [] });

  await pool.query('UPDATE items SET deleted_modseq = 2 WHERE id = $1', [invoice]);
  t.deepEqual((await find('invoice')).itemIds, [lunch]);
  // Deleting an account takes its messages' index entries with it (ON DELETE CASCADE).
  await pool.query('DELETE FROM accounts WHERE id = $1', [b.account]);
  const left = await pool.query<{ n: number }>('SELECT count(*) AS n FROM messages_fts');
  t.is(left.rows[0]?.n, 3);
});

test('the same words find the same mail as SQLite’s FTS5 index', async (t) => {
  const corpus: Mail[] = [
    mail(1, { subject: 'Invoice for May', body: 'Please pay by Friday.' }),
    mail(2, { subject: 'Re: Q3-2024 report', body: 'See file_name.pdf, page 12' }),
    mail(3, { subject: 'Crème brûlée', body: 'Une recette naïve, l’été à İstanbul' }),
    mail(4, { subject: 'Straße', sender: "Seán O'Brien sean@example.ie", body: '東京 meeting' }),
    mail(5, { subject: 'ALL CAPS NEWS', cc: 'Dora dora.explorer@example.net', body: 'e-mail, re-sent; 3.14159' }),
  ];
  const queries = [
    'invoice', 'inv', 'pay friday', 'q3', '2024', 'q3-2024', 'file_name', 'file', 'pdf', 'page 12', 'creme', 'brûlée',
    'naive', 'ete', 'istanbul', 'straße', 'strasse', 'sean', "o'brien", 'brien', 'obrien', '東京', '東', 'all caps',
    'news', 'dora.explorer', 'explorer@example.net', 'example', 'e-mail', 'mail', 're', '3.14', '14159', 'sender', 'x',
  ];

  const sqlite = new Database(':memory:');
  t.teardown(() => sqlite.close());
  // As store/migrations.ts makes it.
  sqlite.exec(`CREATE VIRTUAL TABLE messages_fts USING fts5(subject, sender, recipients, cc, body,
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2')`);
  const insert = sqlite.prepare('INSERT INTO messages_fts (rowid, subject, sender, recipients, cc, body) VALUES (?, ?, ?, ?, ?, ?)');
  corpus.forEach((m, i) => insert.run(i + 1, m.subject, m.sender, m.recipients, m.cc, m.body));
  const match = sqlite.prepare<[string], { rowid: number }>('SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid');

  const db = await pgDatabase(t, { migrated: true });
  const pool = db.pool();
  const a = await addAccount(pool, 'alice@example.com');
  const itemToIndex = new Map<number, number>();
  for (const [i, m] of corpus.entries()) itemToIndex.set(await put(pool, a.account, a.inbox, m), i + 1);
  const c = await pool.connect();
  t.teardown(() => c.release());

  for (const q of queries) {
    const fts = ftsQuery(q);
    const expected = fts === null ? [] : match.all(fts).map((r) => r.rowid);
    const found = await searchItems(c, { accountId: a.account, text: q, rangeStart: 0, rangeEnd: 99 });
    const actual = found.itemIds.map((id) => itemToIndex.get(id)!).sort((x, y) => x - y);
    t.deepEqual(actual, expected, `search ${JSON.stringify(q)}`);
  }
});

plainTest('words are cut, folded and bounded as the index needs them', (t) => {
  t.deepEqual(searchWords('Crème-BRÛLÉE, alice@example.com'), ['creme', 'brulee', 'alice', 'example', 'com']);
  t.is(prefixQuery('inv  May!'), "'inv':* & 'may':*");
  t.is(prefixQuery("') | !('"), null);
  const lexemes = messageLexemes({ subject: 'a a A', sender: '', recipients: '', cc: '', body: `${'x'.repeat(3000)} b` });
  t.deepEqual(lexemes, ['a', 'b'], 'duplicates once, a word too long to index dropped');
  const huge = Array.from({ length: 200_000 }, (_, i) => `w${i}`).join(' ');
  const bounded = messageLexemes({ subject: 'first', sender: '', recipients: '', cc: '', body: huge });
  t.is(bounded[0], 'first');
  t.true(bounded.reduce((n, w) => n + Buffer.byteLength(w) + 8, 0) <= 512 * 1024);
  t.true(bounded.length < 200_000);
});

test('a message with half a megabyte of distinct words is indexed, not refused', async (t) => {
  const db = await pgDatabase(t, { migrated: true });
  const pool = db.pool();
  const a = await addAccount(pool, 'alice@example.com');
  const body = Array.from({ length: 120_000 }, (_, i) => `token${i.toString(36)}`).join(' ');
  const id = await put(pool, a.account, a.inbox, mail(1, { subject: 'Big one', body }));
  const c = await pool.connect();
  t.teardown(() => c.release());
  t.deepEqual((await searchItems(c, { accountId: a.account, text: 'big token1', rangeStart: 0, rangeEnd: 9 })).itemIds, [id]);
});
