// MS-ASCMD 2.2.1.17 SendMail, 2.2.1.19 SmartForward, 2.2.1.20 SmartReply: the request in its
// two forms. 14.0+: a ComposeMail WBXML body (ClientId, SaveInSentItems, Mime as OPAQUE or
// string, ReplaceMime, Source). Below 14.0: the message/rfc822 body itself, with SaveInSent=T
// and, for Smart*, ItemId/CollectionId/LongId in the query. A body that is not WBXML is read
// as the old form at any version: clients that mix them up still get their mail sent.

import type { CommandContext } from '../commands/types.js';
import { decode } from '../wbxml/index.js';
import type { WbxmlElement } from '../wbxml/tree.js';
import { ComposeFailure, ComposeStatus } from './status.js';

export type ComposeKind = 'SendMail' | 'SmartReply' | 'SmartForward';

/** Where the original of a SmartReply/SmartForward is: FolderId + ItemId, or a Search LongId. */
export interface SourceRef {
  folderId: string | null;
  itemId: string | null;
  longId: string | null;
  /** Recurring meeting instance: meaningless for mail, read and ignored. */
  instanceId: string | null;
}

export interface ComposeRequest {
  kind: ComposeKind;
  /** Which form the request came in: decides how a failure is reported. */
  form: 'wbxml' | 'rfc822';
  clientId: string | null;
  saveInSent: boolean;
  replaceMime: boolean;
  mime: Buffer;
  source: SourceRef | null;
  /** 16.0+ SmartForward Forwardees: extra envelope recipients. */
  forwardees: string[];
}

/** WBXML starts with version 0x03 and public id 0x01 (MS-ASWBXML 2.1.2.1). */
function looksLikeWbxml(raw: Buffer): boolean {
  return raw.length >= 4 && raw[0] === 0x03 && raw[1] === 0x01;
}

/** An empty tag is true (Nine sends <SaveInSentItems/>); "0"/"false" are read as false. */
function flag(parent: WbxmlElement, name: string): boolean {
  const e = parent.child(name);
  if (!e) return false;
  const t = (e.text ?? '').trim().toLowerCase();
  return t !== '0' && t !== 'false';
}

function text(parent: WbxmlElement | undefined, name: string): string | null {
  const t = parent?.textOf(name)?.trim();
  return t ? t : null;
}

function mimeOf(root: WbxmlElement): Buffer | null {
  // MS-ASWBXML names the tag Mime; libwbxml (and so some captures) says MIME.
  const e = root.child('Mime') ?? root.child('MIME');
  if (!e) return null;
  if (e.opaque !== undefined) return Buffer.from(e.opaque.buffer, e.opaque.byteOffset, e.opaque.byteLength);
  return Buffer.from(e.text ?? '', 'utf8');
}

/** Throws ComposeFailure with the Status to answer when the request cannot be read. */
export function parseComposeRequest(ctx: CommandContext, kind: ComposeKind): ComposeRequest {
  let root = ctx.request;
  if (!root && looksLikeWbxml(ctx.raw)) {
    try {
      root = decode(ctx.raw);
    } catch (err) {
      throw new ComposeFailure(ComposeStatus.InvalidWBXML, `undecodable WBXML: ${(err as Error).message}`);
    }
  }
  if (!root) return rfc822Form(ctx, kind);
  if (root.name !== kind) {
    throw new ComposeFailure(ComposeStatus.InvalidXML, `expected ComposeMail:${kind}, got ${root.tag}`);
  }
  const mime = mimeOf(root);
  if (!mime || mime.length === 0) throw new ComposeFailure(ComposeStatus.InvalidContent, 'no Mime in the request');
  let source: SourceRef | null = null;
  if (kind !== 'SendMail') {
    const s = root.child('Source');
    if (s) {
      source = {
        folderId: text(s, 'FolderId'),
        itemId: text(s, 'ItemId'),
        longId: text(s, 'LongId'),
        instanceId: text(s, 'InstanceId'),
      };
    }
  }
  const forwardees: string[] = [];
  for (const f of root.child('Forwardees')?.all('Forwardee') ?? []) {
    const email = text(f, 'Email');
    if (email) forwardees.push(email);
  }
  return {
    kind,
    form: 'wbxml',
    clientId: text(root, 'ClientId'),
    saveInSent: flag(root, 'SaveInSentItems'),
    replaceMime: flag(root, 'ReplaceMime'),
    mime,
    source,
    forwardees,
  };
}

function rfc822Form(ctx: CommandContext, kind: ComposeKind): ComposeRequest {
  if (ctx.raw.length === 0) throw new ComposeFailure(ComposeStatus.InvalidContent, 'empty body');
  const p = ctx.query.params;
  const source: SourceRef | null =
    kind === 'SendMail'
      ? null
      : {
          folderId: p.CollectionId?.trim() || null,
          itemId: p.ItemId?.trim() || null,
          longId: p.LongId?.trim() || null,
          instanceId: null,
        };
  return {
    kind,
    form: 'rfc822',
    clientId: null,
    saveInSent: ctx.query.saveInSent,
    // Below 14.0 the client's MIME is the whole message only when it asks for it (ReplaceMime
    // has no query form), so Smart* always appends the original, as Exchange 2007 did.
    replaceMime: false,
    mime: ctx.raw,
    source,
    forwardees: [],
  };
}
