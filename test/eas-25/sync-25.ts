// A protocol 2.5 device for the eas-25 Sync tests: requests shaped as 2.5 clients send them
// (TbSync's EAS-4-TbSync puts airsync:Class first in the Collection and sends no AirSyncBase), and
// the answers read back as plain values. Every answer is also decoded by libwbxml (wbxml2xml) and
// must read the same, so a token our code pages invented would fail here.

import type { ExecutionContext } from 'ava';
import { decode } from '../../eas/wbxml/index.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { createEasClient, type EasClient, type EasResponse } from '../helpers/eas-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { diffTrees, fromTree, parseLibwbxmlXml, wbxml2xml, type XNode } from '../wbxml/libwbxml.js';
import { collectionsOf, type SyncedCollection } from '../eas-sync/wire.js';

export const USER = 'alice@example.com';
export const PASSWORD = 'correct horse battery';

export async function server25(t: ExecutionContext): Promise<TestServer> {
  const s = await startTestServer();
  t.teardown(() => s.stop());
  await s.addUser(USER, PASSWORD);
  return s;
}

export function device(s: TestServer, deviceId: string, version = '2.5'): EasClient {
  return createEasClient({ port: s.httpPort, user: USER, password: PASSWORD, deviceId, deviceType: 'WindowsMobile', version });
}

export interface Collection25 {
  cls: string;
  syncKey: string;
  collectionId: string;
  options?: WbxmlElement[];
  commands?: WbxmlElement[];
  windowSize?: number;
}

/** A 2.5 Sync request: Class, SyncKey, CollectionId, then the rest (MS-ASCMD 2.2.1.21, 2.5 form). */
export function sync25(collections: Collection25[]): WbxmlElement {
  return el('AirSync:Sync', [
    el(
      'AirSync:Collections',
      collections.map((c) =>
        el('AirSync:Collection', [
          el('AirSync:Class', c.cls),
          el('AirSync:SyncKey', c.syncKey),
          el('AirSync:CollectionId', c.collectionId),
          c.syncKey !== '0' && el('AirSync:DeletesAsMoves'),
          c.syncKey !== '0' && el('AirSync:GetChanges'),
          c.windowSize !== undefined && el('AirSync:WindowSize', c.windowSize),
          ...(c.options ?? []),
          c.commands && el('AirSync:Commands', c.commands),
        ]),
      ),
    ),
  ]);
}

/** AirSync:Options of a 2.5 client: only the children given, in the order given. */
export function options25(children: Record<string, number>): WbxmlElement {
  return el('AirSync:Options', Object.entries(children).map(([name, v]) => el(`AirSync:${name}`, v)));
}

/** wbxml2xml prints text without its surrounding white space (a body's last CRLF). */
function trimmed(n: XNode): XNode {
  return { ...n, text: n.text.trim(), children: n.children.map(trimmed) };
}

/**
 * libwbxml's pre-spec names met in these answers beyond those test/wbxml/libwbxml.ts already
 * lists: MS-ASWBXML code page 9 writes UtcStartDate, UtcDueDate and the Recurrence children
 * without libwbxml's "Recurrence_" prefix.
 */
const MORE_NAMES: Readonly<Record<string, string>> = { 'Tasks:UTCStartDate': 'UtcStartDate', 'Tasks:UTCDueDate': 'UtcDueDate' };

function renamed(n: XNode): XNode {
  const key = `${n.ns}:${n.name}`;
  const name = MORE_NAMES[key] ?? (n.ns === 'Tasks' ? n.name.replace(/^Recurrence_/, '') : n.name);
  return { ...n, name, children: n.children.map(renamed) };
}

/** 200 and a WBXML body that libwbxml reads as we wrote it. */
export function checkedBody(t: ExecutionContext, res: EasResponse, what: string): WbxmlElement {
  t.is(res.status, 200, what);
  if (!res.body) throw new Error(`${what}: no WBXML body`);
  t.is(diffTrees(trimmed(fromTree(decode(res.raw))), renamed(trimmed(parseLibwbxmlXml(wbxml2xml(res.raw))))), undefined, `${what}: libwbxml reads the same tree`);
  return res.body;
}

export function only(body: WbxmlElement | null): SyncedCollection {
  const all = collectionsOf(body);
  if (all.length !== 1) throw new Error(`expected one collection, got ${all.length}`);
  return all[0]!;
}

/** A new 2.5 sync relationship with the folder: the key of the SyncKey 0 answer. */
export async function start(c: EasClient, cls: string, collectionId: string): Promise<string> {
  const res = await c.post('Sync', sync25([{ cls, syncKey: '0', collectionId }]));
  const col = only(res.body);
  if (col.status !== 1) throw new Error(`SyncKey 0 of ${collectionId}: Status ${col.status}`);
  return col.syncKey;
}

/** Every qualified tag in the tree (to check that no AirSyncBase element reaches a 2.5 device). */
export function allTags(e: WbxmlElement): string[] {
  return [e.tag, ...e.children.flatMap(allTags)];
}
