// A readable XML rendering of a WBXML tree, for logs, debugging and tests. It follows the XML of
// MS-ASWBXML section 3: the root's namespace is the default one, every other namespace used in the
// document is declared on the root with a lowercase prefix (<airsyncbase:Body>). OPAQUE content is
// shown as base64, as libwbxml does. Not meant to be parsed back.

import type { WbxmlElement } from './tree.js';

export interface XmlOptions {
  /** Indentation per level; '' puts the whole document on one line. Default two spaces. */
  indent?: string;
  /** Cut text (and base64 of opaque data) longer than this, noting how much was left out (logs). */
  maxText?: number;
  /** Emit the <?xml …?> declaration. Default true. */
  declaration?: boolean;
}

export function toXml(root: WbxmlElement, options: XmlOptions = {}): string {
  const indent = options.indent ?? '  ';
  const maxText = options.maxText ?? Infinity;
  const namespaces: string[] = [];
  collectNamespaces(root, root.ns, new Set(), namespaces);

  const out: string[] = [];
  if (options.declaration ?? true) out.push('<?xml version="1.0" encoding="utf-8"?>');
  const decls = [` xmlns="${escape(root.ns)}"`, ...namespaces.map((ns) => ` xmlns:${prefixOf(ns)}="${escape(ns)}"`)];
  render(root, 0, decls.join(''));
  return out.join(indent === '' ? '' : '\n') + (indent === '' ? '' : '\n');

  function render(el: WbxmlElement, level: number, attrs: string): void {
    const pad = indent.repeat(level);
    // Logs must never crash on a malformed tree (say, one that contains itself).
    if (level > MAX_DEPTH) {
      out.push(`${pad}<!-- deeper than ${MAX_DEPTH} levels -->`);
      return;
    }
    const name = el.ns === root.ns ? el.name : `${prefixOf(el.ns)}:${el.name}`;
    let content = '';
    if (el.text !== undefined) content += clip(escape(el.text));
    if (el.opaque !== undefined) content += clip(Buffer.from(el.opaque.buffer, el.opaque.byteOffset, el.opaque.byteLength).toString('base64'));
    if (el.children.length === 0) {
      out.push(content === '' ? `${pad}<${name}${attrs}/>` : `${pad}<${name}${attrs}>${content}</${name}>`);
      return;
    }
    out.push(`${pad}<${name}${attrs}>${content}`);
    for (const child of el.children) render(child, level + 1, '');
    out.push(`${pad}</${name}>`);
  }

  function clip(s: string): string {
    return s.length <= maxText ? s : `${s.slice(0, maxText)}…[${s.length - maxText} more]`;
  }
}

const MAX_DEPTH = 256;

function collectNamespaces(el: WbxmlElement, rootNs: string, seen: Set<string>, out: string[], level = 0): void {
  if (level > MAX_DEPTH) return;
  if (el.ns !== rootNs && !seen.has(el.ns)) {
    seen.add(el.ns);
    out.push(el.ns);
  }
  for (const child of el.children) collectNamespaces(child, rootNs, seen, out, level + 1);
}

function prefixOf(ns: string): string {
  return ns.toLowerCase();
}

/**
 * Escapes markup characters. Control characters (phones send them, docs/clients.md rule 5) cannot appear in
 * XML 1.0 at all, so they are shown as character references rather than dropped or passed raw.
 */
function escape(s: string): string {
  return s.replace(/[&<>"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`;
    }
  });
}
