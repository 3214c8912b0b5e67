// Devices: one row per (account, DeviceId), touched on every request.
import type Database from 'better-sqlite3';
import { isForeignKeyError } from './db.js';
import { StoreError, type Device } from './types.js';

/** A devices row as read (COLS); the PostgreSQL store reads the same columns. */
export interface DeviceRow {
  id: number;
  account_id: number;
  device_id: string;
  device_type: string;
  user_agent: string | null;
  protocol_version: string | null;
  policy_key: number | null;
  pending_policy_key: number | null;
  wipe: Device['wipe'];
  info: string;
  first_seen_at: string;
  last_seen_at: string;
  ping_heartbeat: number | null;
  ping_folders: string | null;
}

export const COLS = `id, account_id, device_id, device_type, user_agent, protocol_version, policy_key,
  pending_policy_key, wipe, info, first_seen_at, last_seen_at, ping_heartbeat, ping_folders`;

export function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    accountId: row.account_id,
    deviceId: row.device_id,
    deviceType: row.device_type,
    userAgent: row.user_agent,
    protocolVersion: row.protocol_version,
    policyKey: row.policy_key,
    pendingPolicyKey: row.pending_policy_key,
    wipe: row.wipe,
    info: JSON.parse(row.info) as Record<string, string>,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    pingHeartbeat: row.ping_heartbeat,
    pingFolders: row.ping_folders === null ? null : (JSON.parse(row.ping_folders) as number[]),
  };
}

type DeviceChange = Partial<Pick<Device, 'policyKey' | 'pendingPolicyKey' | 'wipe' | 'info' | 'pingHeartbeat' | 'pingFolders'>>;

export function createDevices(db: Database.Database) {
  const touch = db.prepare<[number, string, string, string | null, string | null, string, string], DeviceRow>(
    `INSERT INTO devices (account_id, device_id, device_type, user_agent, protocol_version, first_seen_at, last_seen_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (account_id, device_id) DO UPDATE SET
       device_type = excluded.device_type,
       user_agent = coalesce(excluded.user_agent, user_agent),
       protocol_version = coalesce(excluded.protocol_version, protocol_version),
       last_seen_at = excluded.last_seen_at
     RETURNING ${COLS}`,
  );
  const byDeviceId = db.prepare<[number, string], DeviceRow>(`SELECT ${COLS} FROM devices WHERE account_id = ? AND device_id = ?`);
  const byId = db.prepare<[number], DeviceRow>(`SELECT ${COLS} FROM devices WHERE id = ?`);
  const all = db.prepare<[], DeviceRow>(`SELECT ${COLS} FROM devices ORDER BY account_id, id`);
  const ofAccount = db.prepare<[number], DeviceRow>(`SELECT ${COLS} FROM devices WHERE account_id = ? ORDER BY id`);
  const update = db.prepare<[number | null, number | null, string, string, number | null, string | null, number], DeviceRow>(
    `UPDATE devices SET policy_key = ?, pending_policy_key = ?, wipe = ?, info = ?, ping_heartbeat = ?, ping_folders = ?
      WHERE id = ? RETURNING ${COLS}`,
  );
  const deleteDeviceRow = db.prepare<[number]>('DELETE FROM devices WHERE id = ?');

  return {
    touchDevice(
      accountId: number,
      deviceId: string,
      seen: { deviceType: string; userAgent: string | null; protocolVersion: string | null },
    ): Device {
      const now = new Date().toISOString();
      let row: DeviceRow | undefined;
      try {
        row = touch.get(accountId, deviceId, seen.deviceType, seen.userAgent, seen.protocolVersion, now, now);
      } catch (err) {
        if (isForeignKeyError(err)) throw new StoreError('no-such-account', `no account ${accountId}`);
        throw err;
      }
      if (!row) throw new Error('device upsert returned nothing');
      return toDevice(row);
    },

    getDevice(accountId: number, deviceId: string): Device | null {
      const row = byDeviceId.get(accountId, deviceId);
      return row ? toDevice(row) : null;
    },

    listDevices(accountId?: number): Device[] {
      return (accountId === undefined ? all.all() : ofAccount.all(accountId)).map(toDevice);
    },

    updateDevice(deviceRowId: number, change: DeviceChange): Device {
      return db.transaction(() => {
        const row = byId.get(deviceRowId);
        if (!row) throw new StoreError('no-such-device', `no device ${deviceRowId}`);
        const d = { ...toDevice(row), ...change };
        const updated = update.get(
          d.policyKey, d.pendingPolicyKey, d.wipe, JSON.stringify(d.info), d.pingHeartbeat,
          d.pingFolders === null ? null : JSON.stringify(d.pingFolders), deviceRowId,
        );
        if (!updated) throw new Error('device update returned nothing');
        return toDevice(updated);
      }).immediate();
    },

    removeDevice(deviceRowId: number): void {
      deleteDeviceRow.run(deviceRowId);
    },
  };
}
