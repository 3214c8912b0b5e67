// GetAttachment (MS-ASCMD 2.2.1.8) over real HTTP: the 12.x/14.x way to fetch an attachment.
import test, { type ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createEasApp } from '../../eas/app.js';
import { getAttachment } from '../../eas/commands/get-attachment.js';
import { createEasHttpServer } from '../../eas/http/server.js';
import { createEasClient } from '../helpers/eas-client.js';
import { tempMailbox, type Mailbox } from '../eas-model/helpers.js';
import { depsFor } from './context.js';
import { mail } from '../helpers/items.js';

const expectedBytes = JSON.parse(
  readFileSync(new URL('../fixtures/eas-model/attachment-bytes.json', import.meta.url), 'utf8'),
) as Record<string, string>;

async function serve(t: ExecutionContext, box: Mailbox): Promise<number> {
  const app = createEasApp(depsFor(box.store), { commands: { GetAttachment: getAttachment } });
  const server = createEasHttpServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

const client = (port: number, version: string, user = 'alice@example.com') =>
  createEasClient({ port, user, password: 'secret-pw', deviceId: 'GetAtt1', deviceType: 'Android', version });

test('12.1 and 14.1: the attachment comes back byte-exact with its own content type', async (t) => {
  const box = await tempMailbox(t);
  const item = mail(await box.deliverFixture('attachments.eml'));
  const port = await serve(t, box);
  const pdf = item.attachments.find((a) => a.fileName === 'report.pdf')!;
  for (const version of ['12.1', '14.1']) {
    const res = await client(port, version).post('GetAttachment', null, { params: { AttachmentName: pdf.fileReference } });
    t.is(res.status, 200, version);
    t.is(res.headers['content-type'], pdf.contentType);
    t.deepEqual(res.raw, Buffer.from(expectedBytes['report.pdf']!, 'base64'));
  }
});

test('a missing name, an unknown one and another account\'s answer alike; 16.1 is told to use ItemOperations', async (t) => {
  const box = await tempMailbox(t);
  const item = mail(await box.deliverFixture('attachments.eml'));
  await box.store.createAccount('mallory@example.com', 'secret-pw');
  const port = await serve(t, box);
  const ref = item.attachments[0]!.fileReference;

  const mallory = await client(port, '14.1', 'mallory@example.com').post('GetAttachment', null, { params: { AttachmentName: ref } });
  const unknown = await client(port, '14.1').post('GetAttachment', null, { params: { AttachmentName: '999999_1' } });
  t.is(mallory.status, 404);
  t.is(unknown.status, 404);
  t.deepEqual(mallory.raw, unknown.raw);
  t.is((await client(port, '14.1').post('GetAttachment', null)).status, 400);
  t.is((await client(port, '16.1').post('GetAttachment', null, { params: { AttachmentName: ref } })).status, 400);
});
