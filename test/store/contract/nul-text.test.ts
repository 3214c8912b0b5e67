// A message whose parsed parts carry U+0000 (a broken or hostile sender: test/hostile/smtp.test.ts
// sends one over SMTP) is delivered on every store, its raw bytes kept exactly. PostgreSQL's text
// cannot hold a NUL, so a store may drop it from the parsed parts (subject, bodies, file names);
// the text around it stays. Found by the end-to-end suite on PostgreSQL, where such a delivery
// failed the whole transaction (22021) and the sender got a 451.
import { mail } from '../../helpers/items.js';
import { parsed } from '../helpers.js';
import { storeTest } from './store-test.js';

const noNul = (s: string | null | undefined): string | null | undefined => s?.replaceAll('\0', '');

storeTest('a NUL in the subject, bodies and attachment names: delivered, raw kept byte for byte, text readable', async (t, store) => {
  const a = await store.createAccount('alice@example.com', 'pw');
  const raw = Buffer.from('Subject: caf\xe9\0 x\r\n\r\nbody\0with a NUL\r\n', 'latin1');
  const msg = parsed({ subject: 'café\0 x', preview: 'body\0with a NUL', text: 'body\0with a NUL', html: '<p>body\0</p>', threadTopic: 'caf\0é' });
  msg.attachments = [{ fileName: 'a\0b.txt', contentType: 'text/plain', contentId: null, inline: false, content: Buffer.from('x\0y') }];
  const [d] = await store.deliver([{ accountId: a.id, raw }], msg);

  const item = mail(await store.getItem(a.id, d!.itemId));
  t.is(noNul(item.summary.subject), 'café x');
  t.is(noNul(item.summary.preview), 'bodywith a NUL');
  t.is(noNul(item.attachments[0]?.fileName), 'ab.txt');
  const body = (await store.getBody(a.id, d!.itemId))!;
  t.true(body.raw.equals(raw), 'the raw message is unchanged, its NULs included');
  t.is(noNul(body.text), 'bodywith a NUL');
  t.is(noNul(body.html), '<p>body</p>');
  const att = await store.getAttachment(a.id, item.attachments[0]!.fileReference);
  t.true(att?.content.equals(Buffer.from('x\0y')), 'attachment bytes are bytes: kept exactly');
  t.deepEqual((await store.search({ accountId: a.id, text: 'with', rangeStart: 0, rangeEnd: 9 })).items.map((i) => i.id), [d!.itemId]);
});
