// What the Contacts, Tasks and Notes classes share about their stored properties (PropNode[],
// eas/classes/doc/nodes.ts): which nodes are wire properties (MS-ASWBXML tags a client sent and
// may be sent), which are server-private (kept beside them, never rendered), empty nodes (a
// client clearing a property), and the Change merge that keeps the private ones.
// (Shared by three classes; it would sit better in eas/classes/doc/, which is the lead's.)

import { ASWBXML } from '../../wbxml/codepages.js';
import { ghostMerge } from '../doc/doc-class.js';
import type { PropNode } from '../doc/nodes.js';

/** ItemBase.receivedAt of an item that never leaves a FilterType window. */
export const FAR_FUTURE = '9999-12-31T23:59:59.999Z';

function splitTag(tag: string): [ns: string, name: string] {
  const colon = tag.indexOf(':');
  return colon <= 0 ? ['', tag] : [tag.slice(0, colon), tag.slice(colon + 1)];
}

/** True when MS-ASWBXML 2.1.2.1 defines the tag: something a client can send and be sent. */
export function isWireTag(tag: string): boolean {
  const [ns, name] = splitTag(tag);
  return ASWBXML.tokensByNs.get(ns)?.tokens.has(name) ?? false;
}

/** The namespace of a qualified tag ("Contacts2:NickName" → "Contacts2"). */
export function namespaceOf(tag: string): string {
  return splitTag(tag)[0];
}

/**
 * A server-private node: a tag no code page has (e.g. an importer's "vCard:UID"). No client can
 * send one (the decoder yields only code-page tags) and none is ever rendered, so a client's
 * Change never names it: it is kept through every Change whatever the ghosting rules.
 */
export function isPrivateNode(node: PropNode): boolean {
  return !isWireTag(node.tag);
}

/** A node with no value: `<Picture/>`, `<Categories/>` with no Category, an empty string. */
export function isEmptyNode(node: PropNode): boolean {
  if (node.children && node.children.length > 0) return false;
  return !node.text && !node.opaque;
}

/**
 * The properties without the empty ones. A client clears a property by sending it empty in a
 * Change (AOSP Exchange sends `<Picture/>` "to delete any pre-existing photo"; the Nine trace 723
 * sends one in an Add): after the merge the empty node has replaced the stored value, and
 * dropping it leaves the property unset rather than stored as "". Body is kept even when empty
 * (its Type is still information).
 */
export function withoutEmpty(props: readonly PropNode[], keep: readonly string[] = ['AirSyncBase:Body']): PropNode[] {
  return props.filter((n) => keep.includes(n.tag) || !isEmptyNode(n));
}

/**
 * A Change merged property by property (ghostMerge) where, beyond `absentKept`, the private
 * nodes are always kept: the client never saw them, so their absence says nothing.
 */
export function mergeKeepingPrivate(
  stored: readonly PropNode[],
  sent: readonly PropNode[],
  absentKept: (tag: string) => boolean,
): PropNode[] {
  return ghostMerge(stored, sent, (tag) => !isWireTag(tag) || absentKept(tag));
}

/** The wire properties of the given namespaces (what a class may send), in stored order. */
export function wireProps(props: readonly PropNode[], namespaces: readonly string[]): PropNode[] {
  return props.filter((n) => isWireTag(n.tag) && namespaces.includes(namespaceOf(n.tag)));
}
