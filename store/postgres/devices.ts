// Devices on PostgreSQL (store/devices.ts translated): one row per (account, DeviceId), touched
// on every request, through whichever node the request reached. A device alternating between
// nodes is one row: the upsert is keyed on (account_id, device_id), never on a node.
import { COLS, toDevice, type DeviceRow } from '../devices.js';
import { StoreError, type Store } from '../types.js';
import type { PgStoreContext } from './context.js';
import { isForeignKeyViolation } from './device-lock.js';

export type PgDevices = Pick<Store, 'touchDevice' | 'getDevice' | 'listDevices' | 'updateDevice' | 'removeDevice'>;

export function createPgDevices(ctx: PgStoreContext): PgDevices {
  const { pool, write } = ctx;

  return {
    async touchDevice(accountId, deviceId, seen) {
      const now = new Date().toISOString();
      // One statement: two nodes touching a new device at once both land on the one row
      // (ON CONFLICT waits for the other insert and updates it).
      const row = await write(async (tx) => {
        try {
          const r = await tx.client.query<DeviceRow>(
            `INSERT INTO devices (account_id, device_id, device_type, user_agent, protocol_version, first_seen_at, last_seen_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6)
             ON CONFLICT (account_id, device_id) DO UPDATE SET
               device_type = excluded.device_type,
               user_agent = coalesce(excluded.user_agent, devices.user_agent),
               protocol_version = coalesce(excluded.protocol_version, devices.protocol_version),
               last_seen_at = excluded.last_seen_at
             RETURNING ${COLS}`,
            [accountId, deviceId, seen.deviceType, seen.userAgent, seen.protocolVersion, now],
          );
          return r.rows[0];
        } catch (err) {
          if (isForeignKeyViolation(err)) throw new StoreError('no-such-account', `no account ${accountId}`);
          throw err;
        }
      });
      if (!row) throw new Error('device upsert returned nothing');
      return toDevice(row);
    },

    async getDevice(accountId, deviceId) {
      const r = await pool.query<DeviceRow>(`SELECT ${COLS} FROM devices WHERE account_id = $1 AND device_id = $2`, [accountId, deviceId]);
      return r.rows[0] ? toDevice(r.rows[0]) : null;
    },

    async listDevices(accountId) {
      const r =
        accountId === undefined
          ? await pool.query<DeviceRow>(`SELECT ${COLS} FROM devices ORDER BY account_id, id`)
          : await pool.query<DeviceRow>(`SELECT ${COLS} FROM devices WHERE account_id = $1 ORDER BY id`, [accountId]);
      return r.rows.map(toDevice);
    },

    async updateDevice(deviceRowId, change) {
      return write(async (tx) => {
        // FOR UPDATE: the merge below reads the row it rewrites; a change through another node
        // meanwhile (a wipe request from the CLI, a Provision) waits, and is not overwritten.
        const r = await tx.client.query<DeviceRow>(`SELECT ${COLS} FROM devices WHERE id = $1 FOR UPDATE`, [deviceRowId]);
        const row = r.rows[0];
        if (!row) throw new StoreError('no-such-device', `no device ${deviceRowId}`);
        const d = { ...toDevice(row), ...change };
        const u = await tx.client.query<DeviceRow>(
          `UPDATE devices SET policy_key = $1, pending_policy_key = $2, wipe = $3, info = $4, ping_heartbeat = $5, ping_folders = $6
            WHERE id = $7 RETURNING ${COLS}`,
          [
            d.policyKey,
            d.pendingPolicyKey,
            d.wipe,
            JSON.stringify(d.info),
            d.pingHeartbeat,
            d.pingFolders === null ? null : JSON.stringify(d.pingFolders),
            deviceRowId,
          ],
        );
        const updated = u.rows[0];
        if (!updated) throw new Error('device update returned nothing');
        return toDevice(updated);
      });
    },

    async removeDevice(deviceRowId) {
      await write(async (tx) => {
        await tx.client.query('DELETE FROM devices WHERE id = $1', [deviceRowId]);
      });
    },
  };
}
