// The tree every EAS command reads and writes: WBXML decodes to it, encodes from it.
// Names are MS-ASWBXML's, qualified by the code page's namespace name ("AirSync:Sync").
// Commands never walk bytes; they use the typed accessors below.

export type Content = string | Uint8Array | WbxmlElement[] | undefined;

export class WbxmlElement {
  /** Code page namespace as MS-ASWBXML names it: "AirSync", "FolderHierarchy", "AirSyncBase"… */
  readonly ns: string;
  /** Tag name within that code page: "SyncKey", "Collection"… */
  readonly name: string;
  readonly children: WbxmlElement[];
  /** Inline or string-table text content (concatenated when the encoder split it). */
  text: string | undefined;
  /** OPAQUE content (MIME in ComposeMail, attachment data…). */
  opaque: Uint8Array | undefined;

  constructor(ns: string, name: string, content?: Content) {
    this.ns = ns;
    this.name = name;
    this.children = [];
    this.text = undefined;
    this.opaque = undefined;
    if (typeof content === 'string') this.text = content;
    else if (content instanceof Uint8Array) this.opaque = content;
    else if (Array.isArray(content)) this.children.push(...content);
  }

  /** "AirSync:Sync" */
  get tag(): string {
    return `${this.ns}:${this.name}`;
  }

  /** Child selector: "Name" matches any namespace, "Ns:Name" only that one. */
  private matches(child: WbxmlElement, selector: string): boolean {
    const colon = selector.indexOf(':');
    if (colon < 0) return child.name === selector;
    return child.ns === selector.slice(0, colon) && child.name === selector.slice(colon + 1);
  }

  /** First child matching the selector. */
  child(selector: string): WbxmlElement | undefined {
    return this.children.find((c) => this.matches(c, selector));
  }

  /** All children matching the selector, in document order. */
  all(selector: string): WbxmlElement[] {
    return this.children.filter((c) => this.matches(c, selector));
  }

  /** Follows a path of selectors: el.path('Collections', 'Collection'). */
  path(...selectors: string[]): WbxmlElement | undefined {
    let cur: WbxmlElement | undefined = this;
    for (const s of selectors) {
      cur = cur.child(s);
      if (!cur) return undefined;
    }
    return cur;
  }

  has(selector: string): boolean {
    return this.child(selector) !== undefined;
  }

  /** Text of the first matching child ("" for an empty tag), or undefined when absent. */
  textOf(selector: string): string | undefined {
    const c = this.child(selector);
    if (!c) return undefined;
    if (c.text !== undefined) return c.text;
    if (c.opaque !== undefined) return Buffer.from(c.opaque).toString('utf8');
    return '';
  }

  /**
   * Integer value of the first matching child. Undefined when absent;
   * NaN when present but not a decimal integer (callers answer with a Status).
   */
  intOf(selector: string): number | undefined {
    const t = this.textOf(selector);
    if (t === undefined) return undefined;
    const s = t.trim();
    return /^-?\d{1,15}$/.test(s) ? Number(s) : NaN;
  }

  /** Appends children and returns this, for building responses. */
  add(...children: (WbxmlElement | undefined | false)[]): this {
    for (const c of children) if (c) this.children.push(c);
    return this;
  }
}

/**
 * Builds an element: el('AirSync:SyncKey', '3'), el('AirSync:Collections', [..]).
 * The tag must be namespace-qualified. Undefined/false children are dropped,
 * so optional elements can be written inline.
 */
export function el(
  tag: string,
  content?: string | number | Uint8Array | (WbxmlElement | undefined | false)[],
): WbxmlElement {
  const colon = tag.indexOf(':');
  if (colon <= 0) throw new TypeError(`el(): tag must be "Namespace:Name", got "${tag}"`);
  const ns = tag.slice(0, colon);
  const name = tag.slice(colon + 1);
  if (typeof content === 'number') return new WbxmlElement(ns, name, String(content));
  if (Array.isArray(content)) {
    return new WbxmlElement(ns, name, content.filter((c): c is WbxmlElement => !!c));
  }
  return new WbxmlElement(ns, name, content);
}
