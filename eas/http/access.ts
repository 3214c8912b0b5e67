// Who may run a command before the command runs: remote wipe (MS-ASPROV 3.2.5.1.2.2) and,
// when EasConfig.enforceProvisioning is on, the policy key check (MS-ASPROV 3.2.5.2).
// Below 14.0 the signal is HTTP 449; from 14.0 it is a common Status in the command's body
// (140 RemoteWipeRequested, 142 DeviceNotProvisioned, 144 InvalidPolicyKey, MS-ASCMD 2.2.2).
// Policies are NOT enforced by default: Outlook never provisions and must still work.

import type { Device } from '../../store/types.js';
import type { CommandSpec, EasQuery } from '../commands/types.js';
import type { EasConfig } from '../deps.js';
import type { Logger } from '../log.js';
import { atLeast, type ProtocolVersion } from '../protocol.js';

export const CommonStatus = {
  InvalidWBXML: 102,
  RemoteWipeRequested: 140,
  DeviceNotProvisioned: 142,
  InvalidPolicyKey: 144,
} as const;

export type Verdict = { ok: true } | { ok: false; status: number; reason: string };

/** Is a wipe directive due for this device at this version? */
export function wipeDue(device: Device, version: ProtocolVersion): boolean {
  if (device.wipe === 'requested') return true;
  // AccountOnlyRemoteWipe exists from 16.1 only; a full wipe is never sent in its place.
  return device.wipe === 'account-only-requested' && atLeast(version, '16.1');
}

export function checkAccess(
  spec: CommandSpec,
  device: Device,
  query: EasQuery,
  version: ProtocolVersion,
  config: EasConfig,
  log: Logger,
): Verdict {
  if (spec.name === 'Provision') return { ok: true };
  if (wipeDue(device, version)) {
    return { ok: false, status: CommonStatus.RemoteWipeRequested, reason: 'remote wipe requested' };
  }
  if (device.wipe === 'account-only-requested') {
    log.warn('account-only wipe pending but the device speaks below 16.1; not sent', {
      device: device.deviceId,
      version,
    });
  }
  if (!config.enforceProvisioning || !spec.needsProvisioning) return { ok: true };
  const sent = query.policyKey;
  if (device.policyKey !== null && sent === device.policyKey) return { ok: true };
  if (sent === null || sent === 0) {
    return { ok: false, status: CommonStatus.DeviceNotProvisioned, reason: 'device not provisioned' };
  }
  return { ok: false, status: CommonStatus.InvalidPolicyKey, reason: 'invalid policy key' };
}
