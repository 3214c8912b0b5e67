// A contact has no UID in EAS. An importer (vCard) keeps the vCard UID in the private node
// CONTACT_UID_TAG: the store's upsertDocs matches on it, no client is ever sent it, and a client
// Change (which cannot know it) never removes it, whatever the ghosting rules.

import test from 'ava';
import { CONTACT_UID_TAG, createContactsSpec } from '../../eas/classes/contacts.js';
import { createDocClass, docInput } from '../../eas/classes/doc/doc-class.js';
import { textNode } from '../../eas/classes/doc/nodes.js';
import { el } from '../../eas/wbxml/tree.js';
import { FolderType, type DocItem } from '../../store/types.js';
import { appData, pimBox, textIn } from './pim-harness.js';

test('an imported contact keeps its vCard UID through a client Change and never sends it', async (t) => {
  const spec = createContactsSpec();
  const box = await pimBox(t, createDocClass(spec), FolderType.Contacts);
  const props = [textNode(CONTACT_UID_TAG, 'urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1'), textNode('Contacts:FirstName', 'Imported'), textNode('Contacts:LastName', 'Person')];
  const input = docInput(spec, props, box.account, new Date());
  t.is(input.uid, 'urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1');
  const result = await box.store.upsertDocs(box.account.id, box.folder.id, [input], null);
  t.is(result.added, 1);
  const item = await box.store.findDocByUid(box.account.id, box.folder.id, 'urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1') as DocItem;
  t.truthy(item);

  const rendered = await box.render(item, '16.1');
  t.false(rendered.some((e) => e.ns === 'vCard'), 'the private node is not sent');
  t.is(rendered.length, 2);

  // A phone without a Supported list changes the contact: absent wire properties go, the UID stays.
  const res = await box.change(item, appData([el('Contacts:FirstName', 'Edited')]), { supported: null });
  t.is(res.status, 1);
  t.is(res.item.uid, 'urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1');
  t.is(textIn(await box.render(res.item, '16.1'), 'Contacts:LastName'), undefined);
  // The next import of the same vCard finds and updates it instead of adding a copy.
  const again = await box.store.upsertDocs(box.account.id, box.folder.id, [docInput(spec, props, box.account, new Date())], null);
  t.deepEqual([again.added, again.updated], [0, 1]);
});
