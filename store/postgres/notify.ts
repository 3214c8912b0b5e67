// The wake-up bus between nodes (issue #17 point 3): PostgreSQL's LISTEN/NOTIFY on one channel.
// A writing transaction sends `NOTIFY eas_push, payload` before its COMMIT; PostgreSQL delivers
// it to the listening sessions at the commit, never on a rollback (docs/push.md rule 9 across
// nodes). Each node keeps ONE dedicated LISTEN connection, a plain pg.Client (a transaction
// pooler would hand LISTEN to a connection other sessions share); what arrives on it is
// published to the node's in-process change feed (store/change-feed.ts) in the shape the SQLite
// store's writer publishes: (account, folder, kind), "look again", never the change itself.
//
// - Payload: {"v":1,"n":NODE,"a":ACCOUNT,"e":[[FOLDER,KIND],…]}, one per account the commit
//   touched; when the events would take over MAX_PAYLOAD_BYTES it is {"v":1,"n":NODE,"a":ACCOUNT,
//   "all":true}, and every waiter of that account re-checks. Far below PostgreSQL's 8,000 bytes.
// - A node publishes its own commits to its feed directly after COMMIT (no round trip through the
//   database), so the listener skips payloads carrying its own node id.
// - The LISTEN connection drops (the database restarted, the backend was terminated, the network
//   failed): it is made again with exponential backoff (with jitter, so nodes do not reconnect in
//   step); notifications sent meanwhile are lost, so once LISTEN is back every waiter of the node
//   re-checks (feed.recheck(null)): subscribe first, then look at what was missed.
// - A payload this version cannot read (a newer node) also makes every waiter re-check: a
//   wake-up too many costs a read, one too few a missed push.
// - The same connection LISTENs on PARK_CHANNEL too, where nodes announce parked requests (one
//   parked request per device across nodes, store/postgres/presence.ts); those payloads go to the
//   presence, own ones included, since their order is what decides which request is newer.
import pg from 'pg';
import type { FeedEvent, PublishingFeed } from '../change-feed.js';
import type { ChangeKind } from '../types.js';
import type { PgClient, PgConnectionConfig } from './connect.js';
import { isId, payloadObject } from './payload.js';
import { PARK_CHANNEL, type ParkPresence } from './presence.js';

export const NOTIFY_CHANNEL = 'eas_push';

/** Above this a payload names the account only. PostgreSQL's own limit is 8,000 bytes. */
export const MAX_PAYLOAD_BYTES = 1000;

const KINDS = new Set<string>(['add', 'change', 'delete', 'move-in', 'move-out']);

export type BusMessage =
  | { node: string; accountId: number; all: false; events: FeedEvent[] }
  | { node: string; accountId: number; all: true };

/** The payloads of one commit: one per account, events deduplicated. */
export function notifyPayloads(node: string, events: Iterable<FeedEvent>): string[] {
  const byAccount = new Map<number, Map<string, [number, ChangeKind]>>();
  for (const ev of events) {
    let evs = byAccount.get(ev.accountId);
    if (!evs) byAccount.set(ev.accountId, (evs = new Map()));
    evs.set(`${ev.folderId}:${ev.kind}`, [ev.folderId, ev.kind]);
  }
  const payloads: string[] = [];
  for (const [accountId, evs] of byAccount) {
    const full = JSON.stringify({ v: 1, n: node, a: accountId, e: [...evs.values()] });
    payloads.push(Buffer.byteLength(full) <= MAX_PAYLOAD_BYTES ? full : JSON.stringify({ v: 1, n: node, a: accountId, all: true }));
  }
  return payloads;
}

/** null: not a payload this version understands. */
export function parsePayload(text: string): BusMessage | null {
  const p = payloadObject(text);
  if (p === null) return null;
  const { v, n, a, e, all } = p;
  if (v !== 1 || typeof n !== 'string' || !isId(a)) return null;
  if (all === true) return { node: n, accountId: a, all: true };
  if (!Array.isArray(e)) return null;
  const events: FeedEvent[] = [];
  for (const x of e) {
    if (!Array.isArray(x) || x.length !== 2 || !isId(x[0]) || typeof x[1] !== 'string' || !KINDS.has(x[1])) return null;
    events.push({ accountId: a, folderId: x[0], kind: x[1] as ChangeKind });
  }
  return { node: n, accountId: a, all: false, events };
}

/**
 * Queues the commit's notifications, inside the writing transaction (so they go out at COMMIT,
 * and not at all on a ROLLBACK). One statement for every account of the commit.
 */
export async function sendNotifications(client: PgClient, node: string, events: Iterable<FeedEvent>): Promise<void> {
  const payloads = notifyPayloads(node, events);
  if (payloads.length === 0) return;
  await client.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [NOTIFY_CHANNEL, payloads]);
}

export interface BusLog {
  warn(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
}

export interface NotifyBusOptions {
  /** The LISTEN connection's settings (parsePostgresUrl()); never a pooler in transaction mode. */
  connection: PgConnectionConfig;
  feed: PublishingFeed;
  /** This node's id, the one its writer puts in its payloads. */
  node: string;
  log?: BusLog;
  /** First and longest pause between reconnect attempts. Default 100 ms and 5 s. */
  backoff?: { minMs: number; maxMs: number };
  /** After a reconnect, once every waiter was told to re-check (for logs and tests). */
  onRecheck?: () => void;
  /** Where parked-request announcements go (LISTEN on PARK_CHANNEL too); reset on a reconnect. */
  presence?: Pick<ParkPresence, 'receive' | 'reset'>;
}

export interface NotifyBus {
  /** Connects and LISTENs; rejects when the first connection fails (the node should not start). */
  start(): Promise<void>;
  /** Stops listening and reconnecting. */
  close(): Promise<void>;
  /** True while LISTEN is in place. */
  listening(): boolean;
  /** How many times LISTEN was re-established after a drop. */
  reconnects(): number;
  /** The backend pid of the LISTEN connection (null while down): what pg_terminate_backend takes. */
  backendPid(): number | null;
}

export function createNotifyBus(options: NotifyBusOptions): NotifyBus {
  const { feed, node, log } = options;
  const minMs = options.backoff?.minMs ?? 100;
  const maxMs = options.backoff?.maxMs ?? 5000;
  let client: pg.Client | null = null;
  let pid: number | null = null;
  let closing = false;
  let timer: NodeJS.Timeout | null = null;
  let failures = 0;
  let reconnectCount = 0;

  function onNotification(msg: pg.Notification): void {
    if (msg.channel === PARK_CHANNEL) {
      options.presence?.receive(msg.payload ?? '');
      return;
    }
    if (msg.channel !== NOTIFY_CHANNEL) return;
    const m = parsePayload(msg.payload ?? '');
    if (!m) {
      log?.warn('store: unreadable wake-up from another node; every waiter re-checks', { payload: (msg.payload ?? '').slice(0, 200) });
      feed.recheck(null);
      return;
    }
    if (m.node === node) return;
    if (m.all) feed.recheck(m.accountId);
    else feed.publish(m.events);
  }

  async function connect(): Promise<void> {
    const c = new pg.Client(options.connection);
    let ready = false;
    let endedEarly = false;
    let dropped = false;
    const drop = (err?: Error) => {
      if (!ready) {
        endedEarly = true;
        return;
      }
      if (dropped) return;
      dropped = true;
      if (client === c) {
        client = null;
        pid = null;
      }
      c.end().catch(() => {});
      if (closing) return;
      log?.warn('store: the LISTEN connection dropped; reconnecting', { err: err?.message ?? 'connection ended' });
      schedule();
    };
    // Registered before connect(): a failure during it must not be an unhandled 'error'.
    c.on('error', drop);
    c.on('end', () => drop());
    c.on('notification', onNotification);
    try {
      await c.connect();
      await c.query(`LISTEN ${NOTIFY_CHANNEL}`);
      if (options.presence) await c.query(`LISTEN ${PARK_CHANNEL}`);
      const r = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      if (endedEarly) throw new Error('the LISTEN connection ended while it was being set up');
      pid = r.rows[0]?.pid ?? null;
    } catch (err) {
      c.end().catch(() => {});
      throw err;
    }
    ready = true;
    client = c;
  }

  function schedule(): void {
    if (closing || timer) return;
    const base = Math.min(maxMs, minMs * 2 ** Math.min(failures, 20));
    const delay = base / 2 + (Math.random() * base) / 2;
    timer = setTimeout(() => {
      timer = null;
      void reconnect();
    }, delay);
    // The bus never keeps a process alive by itself: the server's listeners do.
    timer.unref();
  }

  async function reconnect(): Promise<void> {
    if (closing) return;
    try {
      await connect();
    } catch (err) {
      failures++;
      log?.warn('store: reconnecting the LISTEN connection failed', { err: err instanceof Error ? err.message : String(err), attempt: failures });
      schedule();
      return;
    }
    if (closing) {
      await client?.end().catch(() => {});
      return;
    }
    failures = 0;
    reconnectCount++;
    log?.info?.('store: LISTEN connection back; every waiter re-checks');
    // Announcements' echoes sent while it was down are lost: wait for none of them.
    options.presence?.reset();
    // LISTEN is in place before the re-check: a commit from now on notifies, one before is seen.
    feed.recheck(null);
    options.onRecheck?.();
  }

  return {
    async start() {
      if (closing) throw new Error('the wake-up bus is closed');
      await connect();
    },
    async close() {
      closing = true;
      if (timer) clearTimeout(timer);
      timer = null;
      const c = client;
      client = null;
      pid = null;
      if (c) await c.end().catch(() => {});
    },
    listening: () => client !== null,
    reconnects: () => reconnectCount,
    backendPid: () => pid,
  };
}
