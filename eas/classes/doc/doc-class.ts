// The ItemClass of document items (docs/classes.md): what Calendar, Contacts, Tasks and Notes
// share. A class describes itself as a DocClassSpec (its properties in and out per version, its
// FilterType window, its UID); this factory turns it into the contract the commands use: Sync
// Add/Change with ghosting, rendering with the client's BodyPreference, the store's documents.
// At protocol 2.5 the body is the class's own Ns:Body/Rtf both ways (doc/body-25.ts).

import type { DocInput, Item } from '../../../store/types.js';
import { serverIdOf } from '../../model/ids.js';
import { parseItemOptions, type ItemOptions } from '../../model/options.js';
import { atLeast, type ProtocolVersion } from '../../protocol.js';
import { SyncStatus } from '../../sync/status.js';
import type { WbxmlElement } from '../../wbxml/tree.js';
import type { Account } from '../../../store/types.js';
import type { ApplyItemContext, ItemClass, RenderItemContext } from '../types.js';
import { BODY_TAG, renderBody, storedBody } from './body.js';
import { bodyFrom25, bodyTags25, elementsFor25, type Body25 } from './body-25.js';
import { docProps, isPrivate, toElement, toNodes, type DocData, type PropNode } from './nodes.js';

/** A client's item the class refuses: the AirSync Status to answer (6 unless said otherwise). */
export class DocConversionError extends Error {
  readonly status: number;
  constructor(message: string, status: number = SyncStatus.ConversionError) {
    super(message);
    this.name = 'DocConversionError';
    this.status = status;
  }
}

export interface DocInContext {
  version: ProtocolVersion;
  account: Account;
  /** The stored properties on a Change; null on an Add (or an import). */
  stored: readonly PropNode[] | null;
  now: Date;
  /** DocWriteContext.uid: the UID an imported or mailed item came with. */
  uid?: string;
}

export interface DocOutContext {
  version: ProtocolVersion;
  account: Account;
  /** The client's Options (BodyPreference for bodies inside the item, e.g. an exception's). */
  options: ItemOptions;
}

export interface DocClassSpec {
  name: string;
  folderTypes: readonly number[];
  minVersion: ProtocolVersion;
  /** The class's 2.5 body elements (MS-ASCAL/ASCNTC/ASTASK "Body (… Namespace)"); absent: none at 2.5. */
  body25?: Body25;
  /** FilterType → window start (null = all). A FilterType the class does not know means all. */
  windowSince(filterType: number, now: Date): string | null;
  /**
   * The properties a client sent (Body already reduced to Type and Data) → the properties to
   * keep, in the class's version-neutral form. Throws DocConversionError for refused input.
   */
  fromClient(sent: PropNode[], ctx: DocInContext): PropNode[];
  /** The tag a client's Supported entry stands for in the stored form (default: itself). */
  storedTag?(tag: string, version: ProtocolVersion): string;
  /**
   * The merged properties of a Change (or the added ones) → the final document: derived values,
   * whole-item checks. Default: as they are.
   */
  complete?(props: PropNode[], ctx: DocInContext): PropNode[];
  /**
   * A Change's absent properties: 'supported' (MS-ASCMD 2.2.3.168: kept only when the client's
   * Supported list does not name them; without a list, removed) or 'unchanged' (kept).
   */
  ghosting(version: ProtocolVersion): 'supported' | 'unchanged';
  /**
   * Merges a Change into the stored properties (default: property by property, per ghosting).
   * Calendar overrides it for Exceptions.
   */
  merge?(stored: readonly PropNode[], sent: readonly PropNode[], absentKept: (tag: string) => boolean, ctx: DocInContext): PropNode[];
  /** Stored properties → what this version is sent (Body is rendered by the factory afterwards). */
  toClient(props: readonly PropNode[], ctx: DocOutContext): PropNode[];
  /** The item's place in FilterType windows (ItemBase.receivedAt). */
  windowAt(props: readonly PropNode[], ctx: { account: Account; now: Date }): string;
  uid(props: readonly PropNode[]): string | null;
}

/**
 * Property-by-property merge: what was sent replaces, what was not is kept when `absentKept`.
 * The server's private nodes are always kept (no client sends them).
 */
export function ghostMerge(stored: readonly PropNode[], sent: readonly PropNode[], absentKept: (tag: string) => boolean): PropNode[] {
  const sentTags = new Set(sent.map((n) => n.tag));
  const kept = stored.filter((n) => !sentTags.has(n.tag) && (isPrivate(n) || absentKept(n.tag)));
  return [...kept, ...sent];
}

/** The document a spec makes of final properties. */
export function docInput(spec: DocClassSpec, props: PropNode[], account: Account, now: Date): DocInput {
  const data: DocData = { v: 1, props };
  return { data, uid: spec.uid(props), windowAt: spec.windowAt(props, { account, now }) };
}

/**
 * A client's ApplicationData → the properties as sent (Body reduced to what is kept; no private
 * nodes). A 2.5 client's Ns:Body or Ns:Rtf becomes the stored AirSyncBase:Body.
 */
function sentProps(appData: WbxmlElement, version: ProtocolVersion, body25: Body25 | undefined): PropNode[] {
  let nodes = toNodes(appData).filter((n) => !isPrivate(n));
  if (body25 && !atLeast(version, '12.0')) nodes = bodyFrom25(nodes, body25);
  return nodes.map((n) => (n.tag === BODY_TAG ? storedBody(n) : n));
}

export function createDocClass(spec: DocClassSpec): ItemClass {
  function absentRule(ctx: ApplyItemContext): (tag: string) => boolean {
    if (spec.ghosting(ctx.version) === 'unchanged') return () => true;
    if (ctx.supported === null) return () => false;
    // A 2.5 Supported list names the body by its own tags (Contacts:Body…): they stand for the stored one.
    const body25 = spec.body25 && !atLeast(ctx.version, '12.0') ? new Set(bodyTags25(spec.body25)) : null;
    const promised = new Set(ctx.supported.map((t) => (body25?.has(t) ? BODY_TAG : spec.storedTag?.(t, ctx.version) ?? t)));
    return (tag) => !promised.has(tag);
  }

  async function render(item: Item, ctx: RenderItemContext): Promise<WbxmlElement[]> {
    if (item.kind !== 'doc') throw new Error(`${spec.name}: item ${item.id} is not a document`);
    const out = spec.toClient(docProps(item.data), { version: ctx.version, account: ctx.account, options: ctx.options }).filter((n) => !isPrivate(n));
    if (!atLeast(ctx.version, '12.0')) return elementsFor25(out, ctx.options, spec.body25 ?? null);
    return out.map((n) => (n.tag === BODY_TAG ? renderBody(n, ctx.options, ctx.version) : toElement(n)));
  }

  return {
    name: spec.name,
    folderTypes: spec.folderTypes,
    minVersion: spec.minVersion,
    searchable: false,
    parseOptions: (blocks, version) => parseItemOptions(blocks, version, spec.name),
    windowSince: spec.windowSince,
    render,
    renderChange: render,

    async add(ctx, appData) {
      if (!appData || !atLeast(ctx.version, spec.minVersion)) return { status: SyncStatus.ConversionError, serverId: null };
      const now = new Date();
      const inCtx: DocInContext = { version: ctx.version, account: ctx.account, stored: null, now };
      let props: PropNode[];
      try {
        props = spec.fromClient(sentProps(appData, ctx.version, spec.body25), inCtx);
        props = spec.complete?.(props, inCtx) ?? props;
      } catch (err) {
        if (err instanceof DocConversionError) {
          ctx.deps.log.warn('sync: item refused', { class: spec.name, reason: err.message });
          return { status: err.status, serverId: null };
        }
        throw err;
      }
      const item = await ctx.deps.store.addDoc(ctx.account.id, ctx.folder.id, docInput(spec, props, ctx.account, now), ctx.device.id);
      return { status: SyncStatus.Success, serverId: serverIdOf(item.folderId, item.id) };
    },

    toDoc(appData, ctx) {
      const stored = ctx.stored?.kind === 'doc' ? docProps(ctx.stored.data) : null;
      const inCtx: DocInContext = { version: ctx.version, account: ctx.account, stored, now: ctx.now, ...(ctx.uid ? { uid: ctx.uid } : {}) };
      const sent = spec.fromClient(sentProps(appData, ctx.version, spec.body25), inCtx);
      let props = stored ? ghostMerge(stored.filter(isPrivate), sent, () => false) : sent;
      props = spec.complete?.(props, inCtx) ?? props;
      return docInput(spec, props, ctx.account, ctx.now);
    },

    async change(ctx, item, appData) {
      if (item.kind !== 'doc') return SyncStatus.ConversionError;
      const now = new Date();
      const stored = docProps(item.data);
      const inCtx: DocInContext = { version: ctx.version, account: ctx.account, stored, now };
      let props: PropNode[];
      try {
        const sent = spec.fromClient(sentProps(appData, ctx.version, spec.body25), inCtx);
        const absentKept = absentRule(ctx);
        props = spec.merge ? spec.merge(stored, sent, absentKept, inCtx) : ghostMerge(stored, sent, absentKept);
        props = spec.complete?.(props, inCtx) ?? props;
      } catch (err) {
        if (err instanceof DocConversionError) {
          ctx.deps.log.warn('sync: change refused', { class: spec.name, reason: err.message });
          return err.status;
        }
        throw err;
      }
      const updated = await ctx.deps.store.replaceDoc(ctx.account.id, item.id, docInput(spec, props, ctx.account, now), ctx.device.id);
      return updated ? SyncStatus.Success : SyncStatus.ObjectNotFound;
    },
  };
}
