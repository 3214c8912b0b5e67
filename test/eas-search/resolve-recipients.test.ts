// ResolveRecipients against the local accounts, through the command handler.

import test from 'ava';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { resolveRecipients } from '../../eas/commands/resolve-recipients.js';
import type { CommandResult } from '../../eas/commands/types.js';
import { createHarness } from '../eas-send/context.js';

async function setup(t: { teardown(fn: () => void): void }) {
  const h = createHarness();
  t.teardown(async () => await h.close());
  const alice = await h.account('alice@example.test', 'Alice Liddell');
  await h.account('bob@example.test', 'Bob Builder');
  await h.account('barbara@example.test', 'Barbara Gordon');
  const run = async (tos: string[], options: WbxmlElement[] = []) =>
    await h.run(resolveRecipients.handler, alice, {
      cmd: 'ResolveRecipients',
      request: el('ResolveRecipients:ResolveRecipients', [
        ...tos.map((to) => el('ResolveRecipients:To', to)),
        options.length > 0 && el('ResolveRecipients:Options', options),
      ]),
    });
  return { h, alice, run };
}

function body(r: CommandResult): WbxmlElement {
  if (r.kind !== 'wbxml') throw new Error('expected WBXML');
  return r.body;
}

test('resolves a local account and reports an unknown one', async (t) => {
  const { run } = await setup(t);
  const root = body(await run(['BOB@example.test', 'nobody@elsewhere.test']));
  t.is(root.intOf('Status'), 1);
  const [known, unknown] = root.all('Response');
  t.is(known!.textOf('To'), 'BOB@example.test');
  t.is(known!.intOf('Status'), 1);
  t.is(known!.intOf('RecipientCount'), 1);
  const r = known!.child('Recipient')!;
  t.is(r.intOf('Type'), 1);
  t.is(r.textOf('DisplayName'), 'Bob Builder');
  t.is(r.textOf('EmailAddress'), 'bob@example.test');
  t.is(unknown!.intOf('Status'), 4);
  t.is(unknown!.intOf('RecipientCount'), 0);
  t.false(unknown!.has('Recipient'));
});

test('an ambiguous name gives suggestions, capped by MaxAmbiguousRecipients', async (t) => {
  const { run } = await setup(t);
  const all = body(await run(['b'])).child('Response')!;
  t.is(all.intOf('Status'), 2);
  t.deepEqual(all.all('Recipient').map((r) => r.textOf('EmailAddress')).sort(), ['barbara@example.test', 'bob@example.test']);
  const capped = body(await run(['b'], [el('ResolveRecipients:MaxAmbiguousRecipients', '1')])).child('Response')!;
  t.is(capped.intOf('Status'), 3);
  t.is(capped.all('Recipient').length, 1);
  const single = body(await run(['gordon'])).child('Response')!;
  t.is(single.intOf('Status'), 1, 'a display-name match that is unique resolves');
  t.is(single.child('Recipient')!.textOf('EmailAddress'), 'barbara@example.test');
});

test('Availability answers "no data" slots, Certificates none, as Nine asks', async (t) => {
  const { run } = await setup(t);
  const root = body(
    await run(['alice@example.test'], [
      el('ResolveRecipients:CertificateRetrieval', '2'),
      el('ResolveRecipients:Availability', [
        el('ResolveRecipients:StartTime', '2022-03-31T22:00:00.000Z'),
        el('ResolveRecipients:EndTime', '2022-04-01T22:00:00.000Z'),
      ]),
    ]),
  );
  const r = root.path('Response', 'Recipient')!;
  t.is(r.path('Availability')!.intOf('Status'), 1);
  t.is(r.path('Availability')!.textOf('MergedFreeBusy'), '4'.repeat(48));
  t.is(r.path('Certificates')!.intOf('Status'), 7);
  t.is(r.path('Certificates')!.intOf('CertificateCount'), 0);
});

test('malformed requests get Status 5', async (t) => {
  const { h, alice, run } = await setup(t);
  t.is(body(await run([])).intOf('Status'), 5);
  t.is(body(await run(['x'], [el('ResolveRecipients:MaxAmbiguousRecipients', 'many')])).intOf('Status'), 5);
  const backwards = [
    el('ResolveRecipients:Availability', [
      el('ResolveRecipients:StartTime', '2022-04-02T00:00:00.000Z'),
      el('ResolveRecipients:EndTime', '2022-04-01T00:00:00.000Z'),
    ]),
  ];
  t.is(body(await run(['bob@example.test'], backwards)).intOf('Status'), 5);
  t.is(body(await run(Array.from({ length: 101 }, (_, i) => `u${i}@x.test`))).intOf('Status'), 5);
  const wrong = await h.run(resolveRecipients.handler, alice, { request: el('Search:Search', []) });
  t.is(body(wrong).intOf('Status'), 5);
});
