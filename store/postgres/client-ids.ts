// The ClientIds of the messages a device has sent, on PostgreSQL: the counterpart of
// store/client-ids.ts (docs/store.md "Sent ClientIds"). claimClientId reads and writes in one
// transaction under the device's row lock: without it two requests with the same ClientId
// would both read "no row" and both claim it (the second's upsert overwriting the first's),
// where SQLite's IMMEDIATE transaction makes them take turns.
import type { ClientIdClaim, Store } from '../types.js';
import type { PgStoreContext } from './context.js';
import { lockDevice } from './device-lock.js';
import type { PgWriteContext } from './writer.js';

/** A send takes seconds; a smarthost that hangs is given up on long before this. */
const DEFAULT_STALE_MS = 10 * 60_000;

const PUT = `INSERT INTO sent_client_ids (device_id, client_id, state, updated_at) VALUES ($1, $2, $3, $4)
  ON CONFLICT (device_id, client_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`;

export type PgClientIds = Pick<Store, 'claimClientId' | 'markClientIdSent' | 'releaseClientId'>;

export function createPgClientIds(ctx: PgStoreContext, staleMs = DEFAULT_STALE_MS): PgClientIds {
  const { write } = ctx;
  return {
    /** 'claimed': go ahead and send; 'sent': a resend of a sent message; 'in-flight': being sent now. */
    claimClientId(deviceRowId, clientId, now = new Date()) {
      return write(async (tx): Promise<ClientIdClaim> => {
        // A missing device is not an answer here: the INSERT below then fails on the foreign
        // key, as SQLite's does.
        await lockDevice(tx, deviceRowId);
        const row = (
          await tx.client.query<{ state: string; updated_at: string }>(
            'SELECT state, updated_at FROM sent_client_ids WHERE device_id = $1 AND client_id = $2',
            [deviceRowId, clientId],
          )
        ).rows[0];
        if (row?.state === 'sent') return 'sent';
        if (row?.state === 'sending' && Date.parse(row.updated_at) > now.getTime() - staleMs) return 'in-flight';
        await tx.client.query(PUT, [deviceRowId, clientId, 'sending', now.toISOString()]);
        return 'claimed';
      });
    },
    /** The message is out: from now on the ClientId answers as a duplicate. */
    async markClientIdSent(deviceRowId, clientId, now = new Date()) {
      await write((tx) => tx.client.query(PUT, [deviceRowId, clientId, 'sent', now.toISOString()]));
    },
    /** The send failed: the client's retry with the same ClientId is sent as a new message. */
    async releaseClientId(deviceRowId, clientId) {
      await write((tx) =>
        tx.client.query("DELETE FROM sent_client_ids WHERE device_id = $1 AND client_id = $2 AND state = 'sending'", [deviceRowId, clientId]),
      );
    },
  };
}

/** Maintenance: forgets the account's ClientIds older than `cutoff` (ISO), inside the caller's write; returns how many. */
export async function purgeClientIds(tx: PgWriteContext, accountId: number, cutoff: string): Promise<number> {
  const r = await tx.client.query(
    'DELETE FROM sent_client_ids WHERE device_id IN (SELECT id FROM devices WHERE account_id = $1) AND updated_at < $2',
    [accountId, cutoff],
  );
  return r.rowCount ?? 0;
}
