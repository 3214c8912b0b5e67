// The Calendar class driven through the ItemClass contract over a real store, as the Sync
// command drives it: a client's Add or Change as one device at one protocol version, the item
// rendered for another device at another version.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { createCalendarClass, type CalendarClassOptions } from '../../eas/classes/calendar.js';
import { docProps, type PropNode } from '../../eas/classes/doc/nodes.js';
import type { ItemClass } from '../../eas/classes/types.js';
import { parseServerId } from '../../eas/model/ids.js';
import { parseItemOptions } from '../../eas/model/options.js';
import type { ProtocolVersion } from '../../eas/protocol.js';
import { decode } from '../../eas/wbxml/decode.js';
import { encode } from '../../eas/wbxml/encode.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { openStore } from '../../store/index.js';
import { FolderType, type Account, type DocItem, type Folder, type Store } from '../../store/types.js';
import { quietLog, testDeps } from '../helpers/command-context.js';

export const FIXTURES = new URL('../fixtures/calendar/', import.meta.url);

export interface CalendarBox {
  store: Store;
  account: Account;
  folder: Folder;
  cls: ItemClass;
  add(version: ProtocolVersion, props: WbxmlElement[], opts?: { device?: string; supported?: string[] | null }): Promise<{ status: number; item: DocItem | null }>;
  change(version: ProtocolVersion, item: DocItem, props: WbxmlElement[], opts?: { device?: string; supported?: string[] | null }): Promise<{ status: number; item: DocItem }>;
  /** The item's ApplicationData children for a device at `version`, after a trip through the WBXML codec. */
  render(item: DocItem, version: ProtocolVersion): Promise<WbxmlElement[]>;
  props(item: DocItem): Promise<PropNode[]>;
  get(item: DocItem): Promise<DocItem>;
}

export async function calendarBox(t: ExecutionContext, options: CalendarClassOptions = {}): Promise<CalendarBox> {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-calendar-'));
  const store = openStore(join(dir, 'cal.sqlite'));
  t.teardown(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const account = await store.createAccount('alice@example.com', 'correct horse battery');
  const folder = (await store.folderByType(account.id, FolderType.Calendar))!;
  const cls = createCalendarClass(options);
  const deps = testDeps(store);
  const device = async (id: string, version: ProtocolVersion) =>
    await store.touchDevice(account.id, id, { deviceType: 'TestPhone', userAgent: null, protocolVersion: version });
  const ctx = async (version: ProtocolVersion, opts: { device?: string; supported?: string[] | null } = {}) => ({
    deps,
    account,
    device: await device(opts.device ?? `phone-${version}`, version),
    folder,
    version,
    supported: opts.supported ?? null,
  });
  const get = async (item: DocItem) => await store.getItem(account.id, item.id) as DocItem;
  return {
    store,
    account,
    folder,
    cls,
    async add(version, props, opts) {
      const res = await cls.add(await ctx(version, opts), el('AirSync:ApplicationData', props));
      const id = parseServerId(res.serverId ?? undefined)?.itemId ?? null;
      return { status: res.status, item: id === null ? null : (await store.getItem(account.id, id) as DocItem) };
    },
    async change(version, item, props, opts) {
      const status = await cls.change(await ctx(version, opts), await get(item), el('AirSync:ApplicationData', props));
      return { status, item: await get(item) };
    },
    async render(item, version) {
      const options = parseItemOptions([el('AirSync:Options', [el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', 1)])])], version, 'Calendar');
      const children = await cls.render(await get(item), { store, account, folder, version, options, log: quietLog });
      return decode(encode(el('AirSync:ApplicationData', children))).children;
    },
    props: async (item) => docProps((await get(item)).data),
    get,
  };
}

/** The ApplicationData children of a fixture .wbxml. */
export function fixture(name: string): WbxmlElement[] {
  return decode(readFileSync(new URL(name, FIXTURES))).children;
}

/** An element as a plain tree, for deepEqual: text leaves, containers as [tag, children]. */
export type Plain = string | { [tag: string]: Plain } | Plain[];
export function plain(e: WbxmlElement): [string, Plain] {
  if (e.children.length === 0) return [e.tag, e.text ?? (e.opaque ? Buffer.from(e.opaque).toString('base64') : '')];
  return [e.tag, e.children.map((c) => Object.fromEntries([plain(c)]))];
}

export function find(children: WbxmlElement[], tag: string): WbxmlElement | undefined {
  return children.find((c) => c.tag === tag);
}

export function text(children: WbxmlElement[] | undefined, tag: string): string | undefined {
  return children?.find((c) => c.tag === tag)?.text;
}

export const tags = (children: WbxmlElement[]) => children.map((c) => c.tag);

/**
 * A property for comparison with what was sent: an Exception's children as a set (the server
 * sends them in the order MS-ASCAL 2.2.2.21 lists them), 2.5's calendar:BodyTruncated left out
 * (MS-ASCAL 2.2.2.8: 2.5 only), a Body as its Type and Data (the rest is derived per request).
 */
export function canonical(e: WbxmlElement): unknown {
  if (e.tag === 'AirSyncBase:Body') return [e.tag, text(e.children, 'AirSyncBase:Type'), text(e.children, 'AirSyncBase:Data')];
  const [tag, value] = plain(e);
  if (tag !== 'Calendar:Exceptions' || !Array.isArray(value)) return [tag, value];
  const exceptions = e.children.map((x) =>
    x.children
      .filter((c) => c.tag !== 'Calendar:BodyTruncated')
      .map((c) => JSON.stringify(canonical(c)))
      .sort(),
  );
  return [tag, exceptions];
}
