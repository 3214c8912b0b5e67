// Real items for the mapping tests: fixture messages parsed by plugin/parse.ts and delivered
// through the real store into a fresh SQLite file per test.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { parseMessage } from '../../plugin/parse.js';
import { openStore } from '../../store/index.js';
import type { Account, Item, Store } from '../../store/types.js';
import type { WbxmlElement } from '../../eas/wbxml/tree.js';

export const FIXTURES = new URL('../fixtures/eas-model/', import.meta.url);

export function fixture(name: string): Buffer {
  return readFileSync(new URL(name, FIXTURES));
}

export interface Mailbox {
  store: Store;
  account: Account;
  deliver(raw: Buffer): Promise<Item>;
  deliverFixture(name: string): Promise<Item>;
}

export async function tempMailbox(t: ExecutionContext, address = 'alice@example.com'): Promise<Mailbox> {
  const dir = mkdtempSync(join(tmpdir(), 'eas-model-'));
  const store = openStore(join(dir, 'mail.sqlite'));
  t.teardown(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const account = await store.createAccount(address, 'secret-pw');
  const deliver = async (raw: Buffer): Promise<Item> => {
    const [delivered] = await store.deliver([{ accountId: account.id, raw }], await parseMessage(raw));
    if (!delivered) throw new Error('nothing delivered');
    const item = await store.getItem(account.id, delivered.itemId);
    if (!item) throw new Error('delivered item not found');
    return item;
  };
  return { store, account, deliver, deliverFixture: (name) => deliver(fixture(name)) };
}

/** Text of the first element matching the path of selectors under a list of children. */
export function textAt(children: WbxmlElement[], ...path: string[]): string | undefined {
  const [first, ...rest] = path;
  if (!first) return undefined;
  const top = children.find((c) => c.tag === first);
  if (!top) return undefined;
  if (rest.length === 0) return top.text ?? (top.opaque ? Buffer.from(top.opaque).toString('utf8') : '');
  const last = rest.pop() as string;
  const parent = rest.length ? top.path(...rest) : top;
  return parent?.textOf(last);
}

export function find(children: WbxmlElement[], tag: string): WbxmlElement | undefined {
  return children.find((c) => c.tag === tag);
}
