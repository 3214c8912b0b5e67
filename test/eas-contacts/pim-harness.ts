// A real store and one account, and the Contacts/Tasks/Notes classes driven through the ItemClass
// contract exactly as Sync drives them: Add/Change with an ApplyItemContext (device, version,
// Supported list), render with a RenderItemContext (version, BodyPreference). What a class
// renders goes through the real WBXML encoder and decoder, so a tag the code pages lack fails.
// Shared by test/eas-contacts, test/eas-tasks and test/eas-notes.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storedBody } from '../../eas/classes/doc/body.js';
import { docProps, toNodes, type PropNode } from '../../eas/classes/doc/nodes.js';
import type { ItemClass } from '../../eas/classes/types.js';
import type { EasDeps } from '../../eas/deps.js';
import { parseItemOptions } from '../../eas/model/options.js';
import type { ProtocolVersion } from '../../eas/protocol.js';
import { decode } from '../../eas/wbxml/decode.js';
import { encode } from '../../eas/wbxml/encode.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { openStore } from '../../store/index.js';
import type { Account, DocItem, Folder, Store } from '../../store/types.js';
import { quietLog, testDeps } from '../helpers/command-context.js';

export const PIM_FIXTURES = new URL('../fixtures/pim/', import.meta.url);

export interface PimBox {
  store: Store;
  deps: EasDeps;
  account: Account;
  folder: Folder;
  cls: ItemClass;
  /** A client Add as `device` speaking `version`; the new item, or the refusing Status. */
  add(appData: WbxmlElement, opts?: ApplyOpts): Promise<DocItem | number>;
  /** A client Change of `item`; the Status and the item after it. */
  change(item: DocItem, appData: WbxmlElement, opts?: ApplyOpts): Promise<{ status: number; item: DocItem }>;
  /** The item as `version` is sent it (ApplicationData children after an encode/decode trip). */
  render(item: DocItem, version: ProtocolVersion, bodyType?: 1 | 2): Promise<WbxmlElement[]>;
  /** The stored properties of the item. */
  props(item: DocItem): PropNode[];
}

export interface ApplyOpts {
  version?: ProtocolVersion;
  deviceId?: string;
  supported?: readonly string[] | null;
}

export async function pimBox(
  t: { teardown(fn: () => void): void },
  cls: ItemClass,
  folderType: number,
): Promise<PimBox> {
  const dir = mkdtempSync(join(tmpdir(), 'eas-pim-'));
  const store = openStore(join(dir, 'pim.sqlite'));
  t.teardown(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const deps = testDeps(store);
  const account = await store.createAccount('alice@example.com', 'secret-password', 'Alice');
  const folder = await store.folderByType(account.id, folderType);
  if (!folder) throw new Error(`no folder of type ${folderType}`);

  async function applyContext(opts: ApplyOpts = {}) {
    const version = opts.version ?? '16.1';
    const device = await store.touchDevice(account.id, opts.deviceId ?? 'PHONEA', { deviceType: 'TestPhone', userAgent: null, protocolVersion: version });
    return { deps, account, device, folder: folder!, version, supported: opts.supported ?? null };
  }

  async function reload(id: number): Promise<DocItem> {
    const item = await store.getItem(account.id, id);
    if (item?.kind !== 'doc') throw new Error(`item ${id} is not a live document`);
    return item;
  }

  return {
    store,
    deps,
    account,
    folder,
    cls,
    async add(appData, opts) {
      const res = await cls.add(await applyContext(opts), appData);
      if (res.status !== 1) return res.status;
      const id = Number(res.serverId!.split(':').pop());
      return await reload(id);
    },
    async change(item, appData, opts) {
      const status = await cls.change(await applyContext(opts), item, appData);
      return { status, item: await reload(item.id) };
    },
    async render(item, version, bodyType = 1) {
      const options = parseItemOptions([el('AirSync:Options', [el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', bodyType)])])], version, cls.name);
      const children = await cls.render(item, { store, account, folder: folder!, version, options, log: quietLog });
      return decode(encode(el('AirSync:ApplicationData', children))).children;
    },
    props: (item) => docProps(item.data),
  };
}

/** The decoded fixture (test/fixtures/pim/NAME). */
export function fixture(name: string): WbxmlElement {
  return decode(readFileSync(new URL(name, PIM_FIXTURES)));
}

/** Every ApplicationData of a fixture's Add/Change commands, in order, with the command name. */
export function commandsOf(root: WbxmlElement): { command: 'Add' | 'Change'; serverId: string | null; appData: WbxmlElement }[] {
  const out: { command: 'Add' | 'Change'; serverId: string | null; appData: WbxmlElement }[] = [];
  for (const collection of root.path('AirSync:Collections')?.all('AirSync:Collection') ?? []) {
    for (const cmd of collection.child('AirSync:Commands')?.children ?? []) {
      if (cmd.tag !== 'AirSync:Add' && cmd.tag !== 'AirSync:Change') continue;
      const appData = cmd.child('AirSync:ApplicationData');
      if (appData) out.push({ command: cmd.name as 'Add' | 'Change', serverId: cmd.textOf('AirSync:ServerId') ?? null, appData });
    }
  }
  return out;
}

/** A Body as a client sends it: Type and Data, line ends as LF (plain text goes out as CRLF). */
function plainBody(n: PropNode): PropNode {
  const body = storedBody(n);
  return {
    tag: body.tag,
    children: (body.children ?? []).map((c) => (c.tag === 'AirSyncBase:Data' && c.text ? { ...c, text: c.text.replace(/\r\n/g, '\n') } : c)),
  };
}

/**
 * Properties in a comparable form: Body reduced to Type and Data (what a client sends; the
 * server adds EstimatedDataSize), sorted, one JSON string each. `map` rewrites values that the
 * class keeps in another form on purpose (dates, say).
 */
export function comparable(nodes: readonly PropNode[], map: (n: PropNode) => PropNode = (n) => n): string[] {
  return nodes
    .map((n) => (n.tag === 'AirSyncBase:Body' ? plainBody(n) : n))
    .map(map)
    .map((n) => JSON.stringify(n))
    .sort();
}

/** ApplicationData children as stored-form nodes. */
export function nodesOf(children: readonly WbxmlElement[]): PropNode[] {
  return toNodes(el('AirSync:ApplicationData', [...children]));
}

export const appData = (children: (WbxmlElement | false | undefined)[]) => el('AirSync:ApplicationData', children);

/** The text of the first rendered child with the tag. */
export function textIn(children: readonly WbxmlElement[], tag: string): string | undefined {
  const [ns, name] = tag.split(':');
  const e = children.find((c) => c.ns === ns && c.name === name);
  if (!e) return undefined;
  return e.text ?? '';
}
