// A document item's properties as the store keeps them (docs/classes.md): the ApplicationData
// children a client sent, as a JSON tree under MS-ASWBXML's qualified tag names, so that every
// property, modelled or not, goes back out as it came in (a round trip loses nothing).

import { WbxmlElement } from '../../wbxml/tree.js';

/**
 * Nodes in the namespace "x" ("x:ical") are the server's own (what an imported .ics carried that
 * EAS has no property for): kept across every Change, never sent to a client.
 */
export const PRIVATE_NS = 'x:';

export function isPrivate(node: PropNode): boolean {
  return node.tag.startsWith(PRIVATE_NS);
}

export interface PropNode {
  /** Qualified MS-ASWBXML tag: "Calendar:Subject", "AirSyncBase:Body". */
  tag: string;
  text?: string;
  /** OPAQUE content, base64. */
  opaque?: string;
  children?: PropNode[];
}

/** What a document item's `data` holds. */
export interface DocData {
  v: 1;
  props: PropNode[];
}

export function toNodes(parent: WbxmlElement): PropNode[] {
  return parent.children.map(toNode);
}

function toNode(e: WbxmlElement): PropNode {
  const node: PropNode = { tag: e.tag };
  if (e.children.length > 0) node.children = e.children.map(toNode);
  else if (e.opaque !== undefined) node.opaque = Buffer.from(e.opaque).toString('base64');
  else if (e.text !== undefined) node.text = e.text;
  return node;
}

export function toElement(node: PropNode): WbxmlElement {
  const colon = node.tag.indexOf(':');
  const ns = node.tag.slice(0, colon);
  const name = node.tag.slice(colon + 1);
  if (node.children) return new WbxmlElement(ns, name, node.children.map(toElement));
  if (node.opaque !== undefined) return new WbxmlElement(ns, name, new Uint8Array(Buffer.from(node.opaque, 'base64')));
  return new WbxmlElement(ns, name, node.text);
}

export function toElements(nodes: readonly PropNode[]): WbxmlElement[] {
  return nodes.map(toElement);
}

/** The first node with the tag ("Calendar:StartTime"). */
export function findNode(nodes: readonly PropNode[] | undefined, tag: string): PropNode | undefined {
  return nodes?.find((n) => n.tag === tag);
}

/** Text of the first node with the tag; "" for an empty one, undefined when absent. */
export function textOfNode(nodes: readonly PropNode[] | undefined, tag: string): string | undefined {
  const n = findNode(nodes, tag);
  if (!n) return undefined;
  return n.text ?? (n.opaque !== undefined ? Buffer.from(n.opaque, 'base64').toString('utf8') : '');
}

export function textNode(tag: string, text: string | number): PropNode {
  return { tag, text: String(text) };
}

/** The nodes without those whose tag is in `tags`. */
export function withoutTags(nodes: readonly PropNode[], tags: readonly string[]): PropNode[] {
  return nodes.filter((n) => !tags.includes(n.tag));
}

/** Replaces the first node of the tag in place (keeping the order), or appends it. */
export function setNode(nodes: readonly PropNode[], node: PropNode): PropNode[] {
  const i = nodes.findIndex((n) => n.tag === node.tag);
  if (i < 0) return [...nodes, node];
  return [...nodes.slice(0, i), node, ...nodes.slice(i + 1).filter((n) => n.tag !== node.tag)];
}

/** Reads a document item's data; a damaged row reads as no properties. */
export function docProps(data: unknown): PropNode[] {
  const d = data as Partial<DocData> | null;
  return d && d.v === 1 && Array.isArray(d.props) ? d.props : [];
}
