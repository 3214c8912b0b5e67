// The top-level element of each command's response (MS-ASWBXML code page + tag), used when
// the HTTP layer itself must answer inside a command's body: the common Status codes of
// MS-ASCMD 2.2.2 (102 InvalidWBXML, 140 RemoteWipeRequested, 142 DeviceNotProvisioned,
// 144 InvalidPolicyKey) that 14.0+ clients expect in a 200 rather than an HTTP error.
// Every response schema below (MS-ASCMD section 6, MS-ASPROV 6.3) has Status as its first
// child, optional or required, with everything after it optional; the exception is
// MeetingResponse (6.26), whose only Status sits inside a required Result.

import { el, type WbxmlElement } from '../wbxml/tree.js';

const ROOTS: Readonly<Record<string, string>> = {
  Sync: 'AirSync:Sync',
  FolderSync: 'FolderHierarchy:FolderSync',
  FolderCreate: 'FolderHierarchy:FolderCreate',
  FolderUpdate: 'FolderHierarchy:FolderUpdate',
  FolderDelete: 'FolderHierarchy:FolderDelete',
  GetItemEstimate: 'GetItemEstimate:GetItemEstimate',
  MoveItems: 'Move:MoveItems',
  MeetingResponse: 'MeetingResponse:MeetingResponse',
  Ping: 'Ping:Ping',
  ItemOperations: 'ItemOperations:ItemOperations',
  Settings: 'Settings:Settings',
  Search: 'Search:Search',
  ResolveRecipients: 'ResolveRecipients:ResolveRecipients',
  ValidateCert: 'ValidateCert:ValidateCert',
  SendMail: 'ComposeMail:SendMail',
  SmartReply: 'ComposeMail:SmartReply',
  SmartForward: 'ComposeMail:SmartForward',
  Provision: 'Provision:Provision',
  Find: 'Find:Find',
};

/** Roots whose schema has no top-level Status: the Status goes in this (required) child. */
const STATUS_PARENT: Readonly<Record<string, string>> = {
  MeetingResponse: 'Result',
};

/** `<Root><Status>n</Status></Root>` for the command, or null when it has no WBXML root. */
export function statusBody(cmd: string, status: number): WbxmlElement | null {
  const root = ROOTS[cmd];
  if (!root) return null;
  const ns = root.slice(0, root.indexOf(':'));
  const statusEl = el(`${ns}:Status`, status);
  const parent = STATUS_PARENT[cmd];
  return el(root, [parent ? el(`${ns}:${parent}`, [statusEl]) : statusEl]);
}
