// Test helper: reads what libwbxml's `wbxml2xml -l ACTIVESYNC` prints and compares it with our tree.
// libwbxml is an independent codec; where its tag names differ from MS-ASWBXML the spec wins, and
// the only differences tolerated are the ones listed in LIBWBXML_NAMES below.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WbxmlElement } from '../../eas/wbxml/index.js';

/** A namespace-qualified element as libwbxml renders it (text is base64 for OPAQUE). */
export interface XNode {
  ns: string;
  name: string;
  text: string;
  children: XNode[];
}

/** libwbxml's namespace names that differ from MS-ASWBXML's (it also appends a colon). */
const LIBWBXML_NAMESPACES: Readonly<Record<string, string>> = { Gal: 'GAL' };

/**
 * libwbxml tag name → MS-ASWBXML tag name, per namespace: only differences that occur in our
 * fixtures. libwbxml keeps pre-spec names (BusinessCity, Recurrence_Type, DTStamp, MIME).
 */
export const LIBWBXML_NAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Calendar: {
    TimeZone: 'Timezone',
    DTStamp: 'DtStamp',
    Organizer_Name: 'OrganizerName',
    Organizer_Email: 'OrganizerEmail',
    Attendee_Email: 'Email',
    Attendee_Name: 'Name',
    Attendee_Status: 'AttendeeStatus',
    Attendee_Type: 'AttendeeType',
    Exception_Deleted: 'Deleted',
    Exception_StartTime: 'ExceptionStartTime',
    Recurrence_Type: 'Type',
    Recurrence_Until: 'Until',
    Recurrence_Occurrences: 'Occurrences',
    Recurrence_Interval: 'Interval',
    Recurrence_DayOfWeek: 'DayOfWeek',
    Recurrence_DayOfMonth: 'DayOfMonth',
    Recurrence_WeekOfMonth: 'WeekOfMonth',
    Recurrence_MonthOfYear: 'MonthOfYear',
  },
  Contacts: {
    BusinessCity: 'BusinessAddressCity',
    BusinessCountry: 'BusinessAddressCountry',
    BusinessPostalCode: 'BusinessAddressPostalCode',
    BusinessState: 'BusinessAddressState',
    BusinessStreet: 'BusinessAddressStreet',
    HomeCity: 'HomeAddressCity',
    HomeCountry: 'HomeAddressCountry',
    HomePostalCode: 'HomeAddressPostalCode',
    HomeState: 'HomeAddressState',
    HomeStreet: 'HomeAddressStreet',
    OtherCity: 'OtherAddressCity',
    OtherCountry: 'OtherAddressCountry',
    OtherPostalCode: 'OtherAddressPostalCode',
    OtherState: 'OtherAddressState',
    OtherStreet: 'OtherAddressStreet',
    AssistantTelephoneNumber: 'AssistantPhoneNumber',
  },
  Email: {
    DTStamp: 'DtStamp',
    'Reply-To': 'ReplyTo',
    FlagStatus: 'Status',
  },
  ComposeMail: { MIME: 'Mime' },
  // libwbxml names token 0x10 twice and prints the older name.
  Provision: { DeviceEncryptionEnabled: 'RequireStorageCardEncryption' },
  // A typo in libwbxml's table for token 0x2B.
  Settings: { ihsManagementInformation: 'RightsManagementInformation' },
};

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e === 'amp') return '&';
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

/** Parses libwbxml's output (default xmlns="Ns:" per element, no prefixes) into XNodes. */
export function parseLibwbxmlXml(xml: string): XNode {
  const stack: { node: XNode; ns: string; rawName: string }[] = [];
  let root: XNode | undefined;
  const re = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>|<\?[^>]*\?>|<!DOCTYPE[^>]*>|<!--[\s\S]*?-->|([^<]+)/g;
  for (const m of xml.matchAll(re)) {
    const [, close, name, attrs, selfClose, text] = m;
    if (text !== undefined) {
      const top = stack[stack.length - 1];
      if (top) top.node.text += unescapeXml(text);
      continue;
    }
    if (name === undefined) continue;
    if (close) {
      const done = stack.pop();
      if (!done || done.rawName !== name) throw new Error(`unbalanced </${name}>`);
      continue;
    }
    const xmlns = /\bxmlns="([^"]*)"/.exec(attrs ?? '')?.[1];
    let ns = xmlns !== undefined ? xmlns.replace(/:$/, '') : stack[stack.length - 1]?.ns;
    if (ns === undefined) throw new Error(`no namespace for <${name}>`);
    ns = LIBWBXML_NAMESPACES[ns] ?? ns;
    const node: XNode = { ns, name: LIBWBXML_NAMES[ns]?.[name] ?? name, text: '', children: [] };
    const parent = stack[stack.length - 1];
    if (parent) parent.node.children.push(node);
    else root = node;
    if (!selfClose) stack.push({ node, ns, rawName: name });
  }
  if (!root || stack.length) throw new Error('incomplete XML');
  // libwbxml indents: whitespace between child elements is layout, not content.
  const trimLayout = (n: XNode): void => {
    if (n.children.length > 0 && n.text.trim() === '') n.text = '';
    n.children.forEach(trimLayout);
  };
  trimLayout(root);
  return root;
}

/** Our tree in the same shape (OPAQUE as base64, as libwbxml prints it). */
export function fromTree(el: WbxmlElement): XNode {
  let text = el.text ?? '';
  if (el.opaque) text += Buffer.from(el.opaque).toString('base64');
  return { ns: el.ns, name: el.name, text, children: el.children.map(fromTree) };
}

/** First difference as a readable path, or undefined when the trees match. */
export function diffTrees(ours: XNode, theirs: XNode, path = ''): string | undefined {
  const here = `${path}/${ours.ns}:${ours.name}`;
  if (ours.ns !== theirs.ns || ours.name !== theirs.name) return `${here}: libwbxml has ${theirs.ns}:${theirs.name}`;
  // wbxml2xml -m 1 (indenting) drops whitespace-only text, e.g. Nine's <Data> </Data>.
  const sameText = ours.text === theirs.text || (theirs.text === '' && ours.text.trim() === '');
  if (!sameText) return `${here}: text ${JSON.stringify(ours.text.slice(0, 80))} vs ${JSON.stringify(theirs.text.slice(0, 80))}`;
  if (ours.children.length !== theirs.children.length) {
    return `${here}: ${ours.children.length} children vs ${theirs.children.length}`;
  }
  for (let i = 0; i < ours.children.length; i++) {
    const d = diffTrees(ours.children[i]!, theirs.children[i]!, here);
    if (d) return d;
  }
  return undefined;
}


/** Runs wbxml2xml on the bytes, as the fixtures' .xml files were made. */
export function wbxml2xml(bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'eas-wbxml-'));
  try {
    const input = join(dir, 'in.wbxml');
    const output = join(dir, 'out.xml');
    writeFileSync(input, bytes);
    execFileSync('wbxml2xml', ['-l', 'ACTIVESYNC', '-m', '1', '-o', output, input], { stdio: 'ignore' });
    return readFileSync(output, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
