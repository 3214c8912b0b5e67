// Remote wipe from end to end, as an admin and a phone live it: `eas-push device wipe` (its own
// process) → the phone's next request is refused with Status 140 → Provision hands it the
// RemoteWipe directive → its acknowledgement is what `device show` reports afterwards.

import test from 'ava';
import { el } from '../../eas/wbxml/tree.js';
import { runCli } from '../cli/run.js';
import { pushWorld } from '../push/helpers.js';

const folderSync = () => el('FolderHierarchy:FolderSync', [el('FolderHierarchy:SyncKey', '0')]);
const provisionRequest = () =>
  el('Provision:Provision', [el('Provision:Policies', [el('Provision:Policy', [el('Provision:PolicyType', 'MS-EAS-Provisioning-WBXML')])])]);

test('device wipe from the CLI reaches the phone on its next request, and its acknowledgement is recorded', async (t) => {
  const w = await pushWorld(t);
  const cli = (...args: string[]) => runCli(['device', ...args, ...w.ts.storeArgs]);

  const wipe = await cli('wipe', 'alice@example.com', 'PHONE0001');
  t.is(wipe.code, 0, wipe.stderr);

  // Any command of the wiped phone now answers Status 140 (remote wipe requested) …
  t.is((await w.phone.post('FolderSync', folderSync())).body?.intOf('Status'), 140);
  // … while the account's other device goes on as before.
  t.is((await w.tablet.post('FolderSync', folderSync())).body?.intOf('Status'), 1);

  const directive = await w.phone.post('Provision', provisionRequest());
  t.true(directive.body?.has('RemoteWipe'), 'Provision carries the RemoteWipe directive');
  const ack = await w.phone.post('Provision', el('Provision:Provision', [el('Provision:RemoteWipe', [el('Provision:Status', '1')])]));
  t.is(ack.body?.intOf('Status'), 1);

  const shown = await cli('show', 'alice@example.com', 'PHONE0001');
  t.is(shown.code, 0, shown.stderr);
  t.regex(shown.stdout, /remote wipe:\s+acknowledged/);
});
