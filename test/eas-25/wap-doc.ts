// Test helper: reads the text of a 2.5 Provision:Data (MS-ASPROV 2.2.2.24.2) as XML, strictly,
// and checks it against the MSPROV DTD's shape for what the Data string schema uses:
// wap-provisioningdoc > characteristic(type) > characteristic(type)* / parm(name, value)*.
// Anything else (a stray character, an unbalanced tag, an unknown entity, a missing attribute,
// another element) throws, so a malformed document fails the test that reads it.

export interface WapCharacteristic {
  type: string;
  parms: Map<string, string>;
  characteristics: WapCharacteristic[];
}

export interface WapDoc {
  characteristics: WapCharacteristic[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescape(s: string): string {
  if (/[<]/.test(s)) throw new Error(`"<" in attribute value ${JSON.stringify(s)}`);
  return s.replace(/&([^;]*);?/g, (m, name: string) => {
    if (!m.endsWith(';')) throw new Error(`bare "&" in ${JSON.stringify(s)}`);
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    const v = ENTITIES[name];
    if (v === undefined) throw new Error(`unknown entity &${name};`);
    return v;
  });
}

interface Tag {
  kind: 'open' | 'close' | 'empty';
  name: string;
  attrs: Map<string, string>;
}

/** Splits the document into tags; text between tags may only be white space. */
function tokens(xml: string): Tag[] {
  const out: Tag[] = [];
  let rest = xml.replace(/^<\?xml[^?]*\?>/, '');
  while (rest.length > 0) {
    const lead = /^\s*/.exec(rest)![0];
    rest = rest.slice(lead.length);
    if (rest.length === 0) break;
    const m = /^<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*\s*=\s*"[^"]*")*)\s*(\/?)>/.exec(rest);
    if (!m) throw new Error(`not a tag at ${JSON.stringify(rest.slice(0, 40))}`);
    const [whole, close, name, attrText, selfClose] = m;
    if (close && (selfClose || attrText)) throw new Error(`malformed end tag ${whole}`);
    const attrs = new Map<string, string>();
    for (const a of attrText!.matchAll(/([A-Za-z_][\w.-]*)\s*=\s*"([^"]*)"/g)) {
      if (attrs.has(a[1]!)) throw new Error(`attribute ${a[1]} twice in <${name}>`);
      attrs.set(a[1]!, unescape(a[2]!));
    }
    out.push({ kind: close ? 'close' : selfClose ? 'empty' : 'open', name: name!, attrs });
    rest = rest.slice(whole.length);
  }
  return out;
}

function required(tag: Tag, attr: string): string {
  const v = tag.attrs.get(attr);
  if (v === undefined) throw new Error(`<${tag.name}> without ${attr}`);
  return v;
}

export function parseWapDoc(xml: string): WapDoc {
  const list = tokens(xml);
  let i = 0;
  const next = (): Tag => {
    const t = list[i++];
    if (!t) throw new Error('document ends early');
    return t;
  };
  const characteristic = (open: Tag): WapCharacteristic => {
    const c: WapCharacteristic = { type: required(open, 'type'), parms: new Map(), characteristics: [] };
    if (open.kind === 'empty') return c;
    for (;;) {
      const t = next();
      if (t.kind === 'close') {
        if (t.name !== 'characteristic') throw new Error(`</${t.name}> closes <characteristic>`);
        return c;
      }
      if (t.name === 'characteristic') c.characteristics.push(characteristic(t));
      else if (t.name === 'parm') {
        if (t.kind !== 'empty') {
          const end = next();
          if (end.kind !== 'close' || end.name !== 'parm') throw new Error('<parm> holds content');
        }
        const name = required(t, 'name');
        if (c.parms.has(name)) throw new Error(`parm ${name} twice in ${c.type}`);
        c.parms.set(name, required(t, 'value'));
      } else throw new Error(`<${t.name}> inside <characteristic>`);
    }
  };
  const root = next();
  if (root.name !== 'wap-provisioningdoc' || root.kind === 'close') throw new Error(`root is <${root.name}>`);
  const doc: WapDoc = { characteristics: [] };
  if (root.kind === 'open') {
    for (;;) {
      const t = next();
      if (t.kind === 'close') {
        if (t.name !== 'wap-provisioningdoc') throw new Error(`</${t.name}> closes the root`);
        break;
      }
      if (t.name !== 'characteristic') throw new Error(`<${t.name}> under the root`);
      doc.characteristics.push(characteristic(t));
    }
  }
  if (i !== list.length) throw new Error('content after the root element');
  return doc;
}

/** The characteristic at `types` (each a child of the one before), or undefined. */
export function characteristicAt(doc: WapDoc, ...types: string[]): WapCharacteristic | undefined {
  let level = doc.characteristics;
  let found: WapCharacteristic | undefined;
  for (const type of types) {
    found = level.find((c) => c.type === type);
    if (!found) return undefined;
    level = found.characteristics;
  }
  return found;
}

/** Every parm name anywhere in the document. */
export function allParms(doc: WapDoc): string[] {
  const names: string[] = [];
  const walk = (c: WapCharacteristic) => {
    names.push(...c.parms.keys());
    c.characteristics.forEach(walk);
  };
  doc.characteristics.forEach(walk);
  return names;
}
