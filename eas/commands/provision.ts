// MS-ASCMD 2.2.1.14 Provision, specified by MS-ASPROV (3.2.5.1 the two-phase policy exchange,
// 3.2.5.1.2.2 remote wipe). Policies are permissive: this server manages mail, not phones.
// Clients are quirky (docs/clients.md rules 10–11): children come in any order (iOS 5 sends Status before
// PolicyType), PolicyType must precede Data in the answer (Android), PolicyKey is never 0
// (old iOS), and the acknowledgement answer carries the final key.
// The policy's format follows the protocol version (MS-ASPROV 2.2.2.43 PolicyType): 2.5 gets
// MS-WAP-Provisioning-XML, its Data a wap-provisioningdoc string (provision-wap.ts); 12.0 and
// later get MS-EAS-Provisioning-WBXML, its Data an EASProvisionDoc. A PolicyType of the other
// version is Policy Status 3 (docs/clients.md rule 44).

import { randomInt } from 'node:crypto';
import type { Device } from '../../store/types.js';
import { atLeast, type ProtocolVersion } from '../protocol.js';
import { el, type WbxmlElement } from '../wbxml/tree.js';
import { commandSpec, type CommandContext, type CommandResult } from './types.js';
import { deviceInformationOf } from './settings.js';
import { wapProvisioningDoc } from './provision-wap.js';

const EAS_POLICY_TYPE = 'MS-EAS-Provisioning-WBXML';
const WAP_POLICY_TYPE = 'MS-WAP-Provisioning-XML';

/** MS-ASPROV 2.2.2.43: the one PolicyType each protocol version uses. */
function policyTypeOf(version: ProtocolVersion): string {
  return atLeast(version, '12.0') ? EAS_POLICY_TYPE : WAP_POLICY_TYPE;
}

/** MS-ASPROV 2.2.2.24: the Data element of an initial answer, in the PolicyType's form. */
function policyData(policyType: string): WbxmlElement {
  // 2.2.2.24.2 string Data (2.5) or 2.2.2.24.1 container Data (12.0+).
  return policyType === WAP_POLICY_TYPE ? el('Provision:Data', wapProvisioningDoc()) : el('Provision:Data', [provisionDoc()]);
}

/** MS-ASPROV 2.2.2.54.2 Status (Provision). */
const ProvisionStatus = { Success: 1, ProtocolError: 2, ServerError: 3 } as const;
/** MS-ASPROV 2.2.2.54.1 Status (Policy), server side. */
const PolicyStatus = { Success: 1, NoPolicy: 2, UnknownPolicyType: 3, WrongPolicyKey: 5 } as const;

/** A random non-zero 32-bit key: 0 means "no key" to clients and old iOS rejects it. */
export function newPolicyKey(): number {
  return randomInt(1, 0x1_0000_0000);
}

/**
 * MS-ASPROV 2.2.2.28 EASProvisionDoc, permissive, children in the xs:sequence order of the
 * schema (MS-ASPROV 6.1, Provision.xsd): strict clients reject any other order. No device
 * password, no encryption, every feature allowed, no size or age limits (empty
 * MaxAttachmentSize = unlimited).
 */
export function provisionDoc(): WbxmlElement {
  const settings: [string, string][] = [
    ['DevicePasswordEnabled', '0'],
    ['AlphanumericDevicePasswordRequired', '0'],
    ['PasswordRecoveryEnabled', '0'],
    ['RequireStorageCardEncryption', '0'],
    ['AttachmentsEnabled', '1'],
    ['MinDevicePasswordLength', '1'],
    ['MaxInactivityTimeDeviceLock', '0'],
    ['MaxDevicePasswordFailedAttempts', '0'],
    ['MaxAttachmentSize', ''],
    ['AllowSimpleDevicePassword', '1'],
    ['DevicePasswordExpiration', '0'],
    ['DevicePasswordHistory', '0'],
    ['AllowStorageCard', '1'],
    ['AllowCamera', '1'],
    ['RequireDeviceEncryption', '0'],
    ['AllowUnsignedApplications', '1'],
    ['AllowUnsignedInstallationPackages', '1'],
    ['MinDevicePasswordComplexCharacters', '1'],
    ['AllowWiFi', '1'],
    ['AllowTextMessaging', '1'],
    ['AllowPOPIMAPEmail', '1'],
    ['AllowBluetooth', '2'],
    ['AllowIrDA', '1'],
    ['RequireManualSyncWhenRoaming', '0'],
    ['AllowDesktopSync', '1'],
    ['MaxCalendarAgeFilter', '0'],
    ['AllowHTMLEmail', '1'],
    ['MaxEmailAgeFilter', '0'],
    ['MaxEmailBodyTruncationSize', '-1'],
    ['MaxEmailHTMLBodyTruncationSize', '-1'],
    ['RequireSignedSMIMEMessages', '0'],
    ['RequireEncryptedSMIMEMessages', '0'],
    ['RequireSignedSMIMEAlgorithm', '0'],
    ['RequireEncryptionSMIMEAlgorithm', '0'],
    ['AllowSMIMEEncryptionAlgorithmNegotiation', '2'],
    ['AllowSMIMESoftCerts', '1'],
    ['AllowBrowser', '1'],
    ['AllowConsumerEmail', '1'],
    ['AllowRemoteDesktop', '1'],
    ['AllowInternetSharing', '1'],
    ['UnapprovedInROMApplicationList', ''],
    ['ApprovedApplicationList', ''],
  ];
  return el(
    'Provision:EASProvisionDoc',
    settings.map(([name, value]) => (value === '' ? el(`Provision:${name}`) : el(`Provision:${name}`, value))),
  );
}

function answer(status: number, ...children: (WbxmlElement | undefined)[]): CommandResult {
  // MS-ASPROV 6.3 (xs:sequence): settings:DeviceInformation, Status, Policies, then RemoteWipe
  // or AccountOnlyRemoteWipe (2.2.2.44). Callers pass the optional parts in that order.
  const info = children.filter((c) => c?.tag === 'Settings:DeviceInformation');
  const rest = children.filter((c) => c && c.tag !== 'Settings:DeviceInformation');
  return { kind: 'wbxml', body: el('Provision:Provision', [...info, el('Provision:Status', status), ...rest]) };
}

function policyAnswer(policyType: string, status: number, key?: number, data?: WbxmlElement): WbxmlElement {
  // MS-ASPROV 6.3 Policy sequence: PolicyType, Status, PolicyKey, Data (Android insists).
  return el('Provision:Policies', [
    el('Provision:Policy', [
      el('Provision:PolicyType', policyType),
      el('Provision:Status', status),
      key !== undefined && el('Provision:PolicyKey', String(key)),
      data,
    ]),
  ]);
}

/** The wipe directive the device is due, if any (AccountOnlyRemoteWipe exists from 16.1 only). */
function wipeDirective(ctx: CommandContext): WbxmlElement | undefined {
  if (ctx.device.wipe === 'requested') return el('Provision:RemoteWipe');
  if (ctx.device.wipe === 'account-only-requested' && atLeast(ctx.version, '16.1')) {
    return el('Provision:AccountOnlyRemoteWipe');
  }
  return undefined;
}

async function handler(ctx: CommandContext): Promise<CommandResult> {
  const { store, log } = ctx.deps;
  const req = ctx.request;
  if (!req || req.tag !== 'Provision:Provision') return answer(ProvisionStatus.ProtocolError);

  // Remote wipe acknowledgement (MS-ASPROV 3.2.5.1.2.2).
  const wipeAck = req.child('Provision:RemoteWipe') ?? req.child('Provision:AccountOnlyRemoteWipe');
  if (wipeAck) {
    const status = wipeAck.intOf('Status');
    if (ctx.device.wipe === 'none' || ctx.device.wipe === 'acknowledged') {
      // Nothing was asked: acknowledge without effect rather than wiping anything.
      return answer(ProvisionStatus.Success);
    }
    if (status === 1) {
      await store.updateDevice(ctx.device.id, { wipe: 'acknowledged' });
      log.warn('remote wipe acknowledged', { account: ctx.account.address, device: ctx.device.deviceId, kind: wipeAck.name });
      return answer(ProvisionStatus.Success);
    }
    // The device says the wipe failed: repeat the directive (MS-ASPROV 3.2.5.1.2.2).
    return answer(ProvisionStatus.ProtocolError, wipeDirective(ctx));
  }

  // DeviceInformation arrives inside Provision at 14.1+ (Android, Nine, TbSync).
  let device: Device = ctx.device;
  const infoEl = req.child('Settings:DeviceInformation');
  let infoAnswer: WbxmlElement | undefined;
  if (infoEl) {
    const info = deviceInformationOf(infoEl);
    if (info) device = await store.updateDevice(device.id, { info: { ...device.info, ...info } });
    infoAnswer = el('Settings:DeviceInformation', [el('Settings:Status', info ? 1 : 2)]);
  }

  // A device due for a wipe gets the directive instead of policies (and the status of the
  // DeviceInformation it sent, which the response schema places before Status).
  const wipe = wipeDirective(ctx);
  if (wipe) return answer(ProvisionStatus.Success, infoAnswer, wipe);

  const policy = req.path('Provision:Policies', 'Provision:Policy');
  if (!policy) {
    // DeviceInformation alone is a legal request; anything else without a Policy is malformed.
    return infoAnswer ? answer(ProvisionStatus.Success, infoAnswer) : answer(ProvisionStatus.ProtocolError);
  }
  const policyType = policy.textOf('PolicyType')?.trim() ?? '';
  if (policyType !== policyTypeOf(ctx.version)) {
    // Unknown, or the other version's format (MS-ASPROV 2.2.2.54.1: 3, unknown PolicyType).
    const sent = [infoAnswer, policyAnswer(policyType, PolicyStatus.UnknownPolicyType)];
    return answer(ProvisionStatus.Success, ...sent);
  }

  const keyText = policy.textOf('PolicyKey');
  if (keyText === undefined) {
    // Phase 1: hand out a temporary key with the policy document.
    const temp = newPolicyKey();
    await store.updateDevice(device.id, { pendingPolicyKey: temp });
    return answer(ProvisionStatus.Success, infoAnswer, policyAnswer(policyType, PolicyStatus.Success, temp, policyData(policyType)));
  }

  // Phase 2: the acknowledgement must name the temporary key we handed out.
  const key = Number(keyText.trim());
  if (device.pendingPolicyKey === null || key !== device.pendingPolicyKey) {
    // A retried acknowledgement of the key already made final gets the same answer again.
    if (device.policyKey !== null && key === device.policyKey) {
      return answer(ProvisionStatus.Success, infoAnswer, policyAnswer(policyType, PolicyStatus.Success, device.policyKey));
    }
    return answer(ProvisionStatus.Success, infoAnswer, policyAnswer(policyType, PolicyStatus.WrongPolicyKey));
  }
  // The policy asks for nothing, so partial application (client Status 2-4) is accepted too.
  const clientStatus = policy.intOf('Status');
  if (clientStatus !== undefined && clientStatus !== 1) {
    log.info('device applied the policy partially', { device: device.deviceId, status: clientStatus });
  }
  const final = newPolicyKey();
  await store.updateDevice(device.id, { policyKey: final, pendingPolicyKey: null });
  return answer(ProvisionStatus.Success, infoAnswer, policyAnswer(policyType, PolicyStatus.Success, final));
}

export const provision = commandSpec('Provision', handler, { needsProvisioning: false });
