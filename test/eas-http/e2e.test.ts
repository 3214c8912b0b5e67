// The whole product (test/helpers/server.ts → bin/server.ts → createEasApp) as a phone sees it.
import test from 'ava';
import { startTestServer } from '../helpers/server.js';
import { createEasClient } from '../helpers/eas-client.js';

test('a phone against the full server: OPTIONS, Provision, FolderSync, Inbox', async (t) => {
  const s = await startTestServer();
  t.teardown(() => s.stop());
  await s.addUser('dave@example.com', 'dave-pw');
  const phone = createEasClient({ port: s.httpPort, user: 'dave@example.com', password: 'dave-pw', deviceId: 'androidc1', deviceType: 'Android' });
  const options = await phone.options();
  t.is(options.status, 200);
  t.regex(String(options.headers['ms-asprotocolcommands']), /\bFolderSync\b/);
  t.true((await phone.provision({ Model: 'Pixel 8' })) > 0);
  const fs = await phone.folderSync();
  t.is(fs.status, 1);
  t.regex(await phone.inboxId(), /^\d+$/);
  const account = (await s.store.findAccount('dave@example.com'))!;
  t.is((await s.store.getDevice(account.id, 'androidc1'))?.info.Model, 'Pixel 8');
});
