// The ClientIds of the messages a device has sent (SendMail, SmartReply, SmartForward), so a
// resend of the same message is recognised (docs/store.md, "Sent ClientIds"). A send first
// claims its ClientId ('sending'), then marks it 'sent' once it is out, or releases it when it
// failed, so a failed send never blocks the retry. A claim left 'sending' by a process that died
// mid-send is stale after `staleMs` and can be claimed again.
import type Database from 'better-sqlite3';
import type { ClientIdClaim } from './types.js';

/** A send takes seconds; a smarthost that hangs is given up on long before this. */
const DEFAULT_STALE_MS = 10 * 60_000;

export function createClientIds(db: Database.Database, staleMs = DEFAULT_STALE_MS) {
  const get = db.prepare<[number, string], { state: string; updated_at: string }>(
    'SELECT state, updated_at FROM sent_client_ids WHERE device_id = ? AND client_id = ?',
  );
  const put = db.prepare<[number, string, string, string]>(
    `INSERT INTO sent_client_ids (device_id, client_id, state, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (device_id, client_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
  );
  const drop = db.prepare<[number, string]>("DELETE FROM sent_client_ids WHERE device_id = ? AND client_id = ? AND state = 'sending'");

  const claim = db.transaction((deviceRowId: number, clientId: string, now: Date): ClientIdClaim => {
    const row = get.get(deviceRowId, clientId);
    if (row?.state === 'sent') return 'sent';
    if (row?.state === 'sending' && Date.parse(row.updated_at) > now.getTime() - staleMs) return 'in-flight';
    put.run(deviceRowId, clientId, 'sending', now.toISOString());
    return 'claimed';
  });

  return {
    /** 'claimed': go ahead and send; 'sent': a resend of a sent message; 'in-flight': being sent now. */
    claimClientId(deviceRowId: number, clientId: string, now = new Date()): ClientIdClaim {
      return claim.immediate(deviceRowId, clientId, now);
    },
    /** The message is out: from now on the ClientId answers as a duplicate. */
    markClientIdSent(deviceRowId: number, clientId: string, now = new Date()): void {
      put.run(deviceRowId, clientId, 'sent', now.toISOString());
    },
    /** The send failed: the client's retry with the same ClientId is sent as a new message. */
    releaseClientId(deviceRowId: number, clientId: string): void {
      drop.run(deviceRowId, clientId);
    },
  };
}

/** Maintenance: forgets ClientIds older than `cutoff` (ISO); returns how many. */
export function createClientIdPurge(db: Database.Database): (accountId: number, cutoff: string) => number {
  const purge = db.prepare<[number, string]>(
    'DELETE FROM sent_client_ids WHERE device_id IN (SELECT id FROM devices WHERE account_id = ?) AND updated_at < ?',
  );
  return (accountId, cutoff) => purge.run(accountId, cutoff).changes;
}
