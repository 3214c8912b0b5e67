// What the import/export tests share: a data directory with alice's account, the item classes
// (the Calendar and Contacts classes, whatever the server's registry holds yet), the commands
// run in-process with a captured terminal, the fixtures, and a device's Change of a stored item.

import type { ExecutionContext } from 'ava';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calendar } from '../../bin/cli/calendar.js';
import { contacts } from '../../bin/cli/contacts.js';
import { capturingIo } from '../helpers/cli.js';
import { createCalendarClass } from '../../eas/classes/calendar.js';
import { createContactsClass } from '../../eas/classes/contacts.js';
import { createEmailClass } from '../../eas/classes/email.js';
import { createClassRegistry } from '../../eas/classes/registry.js';
import type { ClassRegistry } from '../../eas/classes/types.js';
import type { ProtocolVersion } from '../../eas/protocol.js';
import type { WbxmlElement } from '../../eas/wbxml/tree.js';
import { openStore } from '../../store/index.js';
import type { Account, DocItem, Store } from '../../store/types.js';
import { quietLog, testDeps } from '../helpers/command-context.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export function fixturePath(relative: string): string {
  return join(FIXTURES, relative);
}

export function fixture(relative: string): string {
  return readFileSync(fixturePath(relative), 'utf8');
}

export function pimClasses(): ClassRegistry {
  return createClassRegistry([createEmailClass(), createCalendarClass(), createContactsClass()]);
}

export interface Box {
  dir: string;
  address: string;
  /** A fresh store on the data directory (the commands open their own); closed at teardown. */
  store(): Store;
  account(store: Store): Promise<Account>;
  classes: ClassRegistry;
}

export async function box(t: ExecutionContext): Promise<Box> {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-pim-'));
  const opened: Store[] = [];
  t.teardown(async () => {
    for (const s of opened) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const first = openStore(join(dir, 'eas-push.sqlite'));
  await first.createAccount('alice@example.com', 'secret');
  await first.close();
  return {
    dir,
    address: 'alice@example.com',
    store: () => {
      const s = openStore(join(dir, 'eas-push.sqlite'));
      opened.push(s);
      return s;
    },
    account: async (s) => (await s.findAccount('alice@example.com'))!,
    classes: pimClasses(),
  };
}

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export async function run(b: Box, command: 'calendar' | 'contacts', args: string[]): Promise<Ran> {
  const { io, printed } = capturingIo();
  const [sub, ...rest] = args;
  const fn = command === 'calendar' ? calendar : contacts;
  const code = await fn(sub!, [...rest, '--data-dir', b.dir], io, b.classes);
  return { code, ...printed() };
}

export async function docsOf(store: Store, account: Account, folderType: number): Promise<DocItem[]> {
  const folder = (await store.folderByType(account.id, folderType))!;
  return (await store
    .listItems(account.id, folder.id))
    .filter((i): i is DocItem => i.kind === 'doc')
    .sort((a, b) => a.id - b.id);
}

/** A phone's Sync Change of the item (through the class, as Sync applies it). */
export async function deviceChange(store: Store, account: Account, classes: ClassRegistry, item: DocItem, appData: WbxmlElement, version: ProtocolVersion): Promise<number> {
  const folder = (await store.getFolder(account.id, item.folderId))!;
  const device = await store.touchDevice(account.id, 'PHONE', { deviceType: 'TestPhone', userAgent: null, protocolVersion: version });
  const itemClass = classes.forFolderType(folder.type)!;
  return itemClass.change({ deps: testDeps(store, { classes, log: quietLog }), account, device, folder, version, supported: null }, item, appData);
}
