// The per-account cap on parked requests across nodes (docs/push.md rule 8; docs/postgres.md
// "Rules across nodes"): the statements behind store/postgres/presence.ts.
//
// parked_presence holds one row per device with a parked request, naming the node that announced
// it last. The row is written by the announcement's own statement (the NOTIFY of "Parked
// elsewhere"), which also counts the account's rows on the other live nodes: parking a Ping costs
// no round trip more than the announcement did. Its end deletes the row, batched and off the
// answer's path. A node that dies cannot delete its rows: they stop counting as soon as its LISTEN
// session is gone from pg_stat_activity (node_presence names that session; backend_start tells a
// reused pid apart), and the next node to start or reconnect deletes them.
import type pg from 'pg';

/**
 * $1 channel, $2 payload, $3 device, $4 account, $5 node, $6 seq. One autocommit statement: the
 * row and the NOTIFY commit together, so the row's node is the one whose announcement the bus
 * delivers last (the one that wins, store/postgres/presence.ts). The count leaves out this device
 * (its older request, wherever it is, is being superseded) and this node (the registry counts
 * its own), and reads the snapshot before this statement's own write.
 */
const ANNOUNCE_SQL = `
WITH mine AS (
  INSERT INTO parked_presence (device_id, account_id, node, seq) VALUES ($3, $4, $5, $6)
  ON CONFLICT (device_id) DO UPDATE SET account_id = EXCLUDED.account_id, node = EXCLUDED.node, seq = EXCLUDED.seq
)
SELECT pg_notify($1, $2) AS sent,
  (SELECT count(*) FROM parked_presence p
     JOIN node_presence n ON n.node = p.node
     JOIN pg_stat_activity a ON a.pid = n.listen_pid AND a.backend_start = n.listen_started
   WHERE p.account_id = $4 AND p.node <> $5 AND p.device_id <> $3) AS elsewhere`;

export interface ParkedRow {
  deviceRowId: number;
  accountId: number;
  seq: number;
}

export interface ParkedCounts {
  /** Sends the announcement and records the device as parked here; resolves with the account's requests parked on other live nodes. */
  announce(channel: string, payload: string, row: ParkedRow): Promise<number>;
  /** The requests ended: each row is deleted if it is still this node's with that seq. */
  withdraw(rows: ParkedRow[]): Promise<void>;
  /**
   * The node's LISTEN session is (again) in place: records it as the node's, deletes the rows of
   * nodes whose session is gone, and writes back the rows of `parked` (a node reconnecting may
   * have had its rows deleted meanwhile by another node that took it for dead).
   */
  register(listenPid: number, parked: ParkedRow[]): Promise<void>;
  /** The node stops: its rows go. */
  unregister(): Promise<void>;
}

export function createParkedCounts(pool: pg.Pool, node: string): ParkedCounts {
  const columns = (rows: ParkedRow[]) => [rows.map((r) => r.deviceRowId), rows.map((r) => r.accountId), rows.map((r) => r.seq)];
  return {
    async announce(channel, payload, row) {
      const r = await pool.query<{ elsewhere: number }>(ANNOUNCE_SQL, [channel, payload, row.deviceRowId, row.accountId, node, row.seq]);
      return r.rows[0]?.elsewhere ?? 0;
    },
    async withdraw(rows) {
      if (rows.length === 0) return;
      const [devices, , seqs] = columns(rows);
      await pool.query(
        `DELETE FROM parked_presence p USING unnest($2::bigint[], $3::bigint[]) AS w(device_id, seq)
         WHERE p.device_id = w.device_id AND p.seq = w.seq AND p.node = $1`,
        [node, devices, seqs],
      );
    },
    async register(listenPid, parked) {
      const [devices, accounts, seqs] = columns(parked);
      // One statement per step, each autocommit: nothing here needs to be atomic, and a row
      // written back after a prune is what the announcement would have written.
      await pool.query(
        `INSERT INTO node_presence (node, listen_pid, listen_started)
         SELECT $1, pid, backend_start FROM pg_stat_activity WHERE pid = $2
         ON CONFLICT (node) DO UPDATE SET listen_pid = EXCLUDED.listen_pid, listen_started = EXCLUDED.listen_started`,
        [node, listenPid],
      );
      await pool.query(
        `DELETE FROM node_presence n WHERE NOT EXISTS (
           SELECT 1 FROM pg_stat_activity a WHERE a.pid = n.listen_pid AND a.backend_start = n.listen_started)`,
      );
      await pool.query(`DELETE FROM parked_presence p WHERE NOT EXISTS (SELECT 1 FROM node_presence n WHERE n.node = p.node)`);
      if (parked.length === 0) return;
      // A newer announcement of the device (here or elsewhere) keeps its row.
      await pool.query(
        `INSERT INTO parked_presence (device_id, account_id, node, seq)
         SELECT d, a, $1, s FROM unnest($2::bigint[], $3::bigint[], $4::bigint[]) AS w(d, a, s)
         ON CONFLICT (device_id) DO NOTHING`,
        [node, devices, accounts, seqs],
      );
    },
    async unregister() {
      await pool.query('DELETE FROM parked_presence WHERE node = $1', [node]);
      await pool.query('DELETE FROM node_presence WHERE node = $1', [node]);
    },
  };
}
