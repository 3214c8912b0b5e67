// Account and Device rows for the registry's unit tests (no store behind them).
import type { Account, Device } from '../../store/types.js';

export const account = (id: number): Account => ({ id, address: `u${id}@example.com`, displayName: null, createdAt: '' });
export const device = (id: number, accountId: number): Device => ({
  id,
  accountId,
  deviceId: `dev${id}`,
  deviceType: 'Test',
  userAgent: null,
  protocolVersion: '16.1',
  policyKey: null,
  pendingPolicyKey: null,
  wipe: 'none',
  info: {},
  firstSeenAt: '',
  lastSeenAt: '',
  pingHeartbeat: null,
  pingFolders: null,
});
