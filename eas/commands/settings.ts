// MS-ASCMD 2.2.1.18 Settings: Oof Get/Set, DeviceInformation Set, DevicePassword Set,
// UserInformation Get, RightsManagementInformation Get. Each part answers with its own Status
// (2.2.3.177.15) in request order; the top-level Status is 1 unless the request is not a
// Settings request at all.

import { htmlToText } from '../../store/html-text.js';
import type { Account } from '../../store/types.js';
import { el, type WbxmlElement } from '../wbxml/tree.js';
import { commandSpec, type CommandContext, type CommandResult } from './types.js';
import { atLeast, type ProtocolVersion } from '../protocol.js';

/** MS-ASCMD 2.2.3.177.15 Status (Settings). */
const SettingsStatus = { Success: 1, ProtocolError: 2, AccessDenied: 3, InvalidArguments: 5 } as const;

/** MS-ASCMD 2.2.3.44 DeviceInformation/Set children a device may send. */
const DEVICE_INFORMATION_FIELDS = [
  'Model', 'IMEI', 'FriendlyName', 'OS', 'OSLanguage', 'PhoneNumber', 'UserAgent',
  'EnableOutboundSMS', 'MobileOperator',
] as const;

/** DeviceInformation/Set as a record (as stored in Device.info); null when there is no Set. */
export function deviceInformationOf(info: WbxmlElement): Record<string, string> | null {
  const set = info.child('Settings:Set');
  if (!set) return null;
  const out: Record<string, string> = {};
  for (const c of set.children) {
    if ((DEVICE_INFORMATION_FIELDS as readonly string[]).includes(c.name) && c.text !== undefined) {
      out[c.name] = c.text.replace(/\0/g, '').trim().slice(0, 256);
    }
  }
  return out;
}

/** How the out-of-office state is kept (store.getOof/setOof hold it as is). */
export interface OofMessage {
  appliesTo: 'Internal' | 'ExternalKnown' | 'ExternalUnknown';
  enabled: boolean;
  replyMessage: string;
  bodyType: 'Text' | 'HTML';
}
export interface OofSettings {
  /** 0 disabled, 1 global, 2 time-based (MS-ASCMD 2.2.3.118 OofState). */
  state: 0 | 1 | 2;
  startTime: string | null;
  endTime: string | null;
  messages: OofMessage[];
}

const APPLIES_TO = ['Internal', 'ExternalKnown', 'ExternalUnknown'] as const;

function status(n: number): WbxmlElement {
  return el('Settings:Status', n);
}

function bodyTypeOf(raw: string | undefined): 'Text' | 'HTML' | null {
  const t = raw?.trim().toLowerCase();
  if (t === 'text') return 'Text';
  if (t === 'html') return 'HTML';
  return null;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, '<br>');
}

function readOof(raw: Record<string, unknown> | null): OofSettings {
  const o = (raw ?? {}) as Partial<OofSettings>;
  return {
    state: o.state === 1 || o.state === 2 ? o.state : 0,
    startTime: typeof o.startTime === 'string' ? o.startTime : null,
    endTime: typeof o.endTime === 'string' ? o.endTime : null,
    messages: Array.isArray(o.messages) ? o.messages : [],
  };
}

async function oofGet(ctx: CommandContext, get: WbxmlElement): Promise<WbxmlElement> {
  const wanted = bodyTypeOf(get.textOf('BodyType'));
  if (!wanted) return el('Settings:Oof', [status(SettingsStatus.ProtocolError)]);
  const oof = readOof(await ctx.deps.store.getOof(ctx.account.id));
  const messages = oof.messages.map((m) => {
    let text = m.replyMessage;
    if (m.bodyType !== wanted) text = wanted === 'HTML' ? escapeHtml(text) : htmlToText(text);
    return el('Settings:OofMessage', [
      el(`Settings:AppliesTo${m.appliesTo}`),
      el('Settings:Enabled', m.enabled ? '1' : '0'),
      el('Settings:ReplyMessage', text),
      el('Settings:BodyType', wanted),
    ]);
  });
  return el('Settings:Oof', [
    status(SettingsStatus.Success),
    el('Settings:Get', [
      el('Settings:OofState', oof.state),
      oof.state === 2 && oof.startTime !== null && el('Settings:StartTime', oof.startTime),
      oof.state === 2 && oof.endTime !== null && el('Settings:EndTime', oof.endTime),
      ...messages,
    ]),
  ]);
}

function isoDate(raw: string | undefined): string | null {
  if (!raw) return null;
  const t = Date.parse(raw.trim());
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

async function oofSet(ctx: CommandContext, set: WbxmlElement): Promise<WbxmlElement> {
  const oofStatus = (n: number) => el('Settings:Oof', [status(n)]);
  const current = readOof(await ctx.deps.store.getOof(ctx.account.id));
  const next: OofSettings = { ...current, messages: [...current.messages] };

  const state = set.intOf('OofState');
  if (state !== undefined) {
    if (state !== 0 && state !== 1 && state !== 2) return oofStatus(SettingsStatus.InvalidArguments);
    next.state = state;
  }
  if (set.has('StartTime') || set.has('EndTime')) {
    const start = isoDate(set.textOf('StartTime'));
    const end = isoDate(set.textOf('EndTime'));
    if (!start || !end) return oofStatus(SettingsStatus.InvalidArguments);
    if (Date.parse(start) >= Date.parse(end)) return oofStatus(SettingsStatus.InvalidArguments);
    next.startTime = start;
    next.endTime = end;
  }
  if (next.state === 2 && (!next.startTime || !next.endTime)) return oofStatus(SettingsStatus.ProtocolError);

  for (const m of set.all('Settings:OofMessage')) {
    const appliesTo = APPLIES_TO.find((a) => m.has(`Settings:AppliesTo${a}`));
    if (!appliesTo) return oofStatus(SettingsStatus.ProtocolError);
    const enabled = m.intOf('Enabled');
    if (enabled !== undefined && enabled !== 0 && enabled !== 1) return oofStatus(SettingsStatus.InvalidArguments);
    const bodyType = m.has('BodyType') ? bodyTypeOf(m.textOf('BodyType')) : 'Text';
    if (!bodyType) return oofStatus(SettingsStatus.InvalidArguments);
    const previous = next.messages.find((x) => x.appliesTo === appliesTo);
    const message: OofMessage = {
      appliesTo,
      enabled: enabled === undefined ? (previous?.enabled ?? false) : enabled === 1,
      replyMessage: (m.textOf('ReplyMessage') ?? previous?.replyMessage ?? '').replace(/\0/g, ''),
      bodyType,
    };
    next.messages = [...next.messages.filter((x) => x.appliesTo !== appliesTo), message];
  }
  await ctx.deps.store.setOof(ctx.account.id, next as unknown as Record<string, unknown>);
  return el('Settings:Oof', [status(SettingsStatus.Success)]);
}

async function oof(ctx: CommandContext, part: WbxmlElement): Promise<WbxmlElement> {
  const get = part.child('Settings:Get');
  if (get) return await oofGet(ctx, get);
  const set = part.child('Settings:Set');
  if (set) return await oofSet(ctx, set);
  return el('Settings:Oof', [status(SettingsStatus.ProtocolError)]);
}

async function deviceInformation(ctx: CommandContext, part: WbxmlElement): Promise<WbxmlElement> {
  const info = deviceInformationOf(part);
  if (!info) return el('Settings:DeviceInformation', [status(SettingsStatus.ProtocolError)]);
  await ctx.deps.store.updateDevice(ctx.device.id, { info: { ...ctx.device.info, ...info } });
  return el('Settings:DeviceInformation', [status(SettingsStatus.Success)]);
}

function devicePassword(part: WbxmlElement): WbxmlElement {
  // The device reports its recovery password; this server keeps none (the policy has no PIN).
  const ok = part.child('Settings:Set')?.has('Password') ?? false;
  return el('Settings:DevicePassword', [status(ok ? SettingsStatus.Success : SettingsStatus.ProtocolError)]);
}

function displayNameOf(account: Account): string {
  return account.displayName ?? account.address.slice(0, account.address.lastIndexOf('@'));
}

function userInformation(account: Account, version: ProtocolVersion, part: WbxmlElement): WbxmlElement {
  if (!part.has('Settings:Get')) return el('Settings:UserInformation', [status(SettingsStatus.ProtocolError)]);
  // 12.1/14.0: EmailAddresses/SmtpAddress; 14.1+: Accounts/Account with PrimarySmtpAddress.
  const get =
    atLeast(version, '14.1')
      ? el('Settings:Get', [
          el('Settings:Accounts', [
            el('Settings:Account', [
              el('Settings:UserDisplayName', displayNameOf(account)),
              el('Settings:EmailAddresses', [
                el('Settings:SmtpAddress', account.address),
                el('Settings:PrimarySmtpAddress', account.address),
              ]),
            ]),
          ]),
        ])
      : el('Settings:Get', [el('Settings:EmailAddresses', [el('Settings:SmtpAddress', account.address)])]);
  return el('Settings:UserInformation', [status(SettingsStatus.Success), get]);
}

function rightsManagement(version: ProtocolVersion, part: WbxmlElement): WbxmlElement {
  if (!atLeast(version, '14.1') || !part.has('Settings:Get')) {
    return el('Settings:RightsManagementInformation', [status(SettingsStatus.ProtocolError)]);
  }
  // No IRM here: an empty template list.
  return el('Settings:RightsManagementInformation', [
    status(SettingsStatus.Success),
    el('Settings:Get', [el('RightsManagement:RightsManagementTemplates')]),
  ]);
}

async function handler(ctx: CommandContext): Promise<CommandResult> {
  const req = ctx.request;
  if (!req || req.tag !== 'Settings:Settings') {
    return { kind: 'wbxml', body: el('Settings:Settings', [status(SettingsStatus.ProtocolError)]) };
  }
  const parts: WbxmlElement[] = [];
  for (const part of req.children) {
    if (part.ns !== 'Settings') continue;
    switch (part.name) {
      case 'Oof':
        parts.push(await oof(ctx, part));
        break;
      case 'DeviceInformation':
        parts.push(await deviceInformation(ctx, part));
        break;
      case 'DevicePassword':
        parts.push(devicePassword(part));
        break;
      case 'UserInformation':
        parts.push(userInformation(ctx.account, ctx.version, part));
        break;
      case 'RightsManagementInformation':
        parts.push(rightsManagement(ctx.version, part));
        break;
      default:
        // An unknown part is skipped: answering the rest keeps the device going.
        ctx.deps.log.debug('Settings: unknown part ignored', { part: part.name });
    }
  }
  if (parts.length === 0) {
    return { kind: 'wbxml', body: el('Settings:Settings', [status(SettingsStatus.ProtocolError)]) };
  }
  return { kind: 'wbxml', body: el('Settings:Settings', [status(SettingsStatus.Success), ...parts]) };
}

// MS-ASCMD 2.2.1.18: 12.0 and later.
export const settings = commandSpec('Settings', handler, { versions: { min: '12.0' } });
