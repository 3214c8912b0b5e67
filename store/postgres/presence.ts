// One parked request per device across nodes (docs/push.md rule 3; docs/postgres.md "Parked
// elsewhere"): a node that parks a Ping or Sync with Wait of a device announces it on the bus
// (NOTIFY on PARK_CHANNEL), and the other nodes end their older request of that device.
//
// Which request is newer: the order of the bus itself. PostgreSQL delivers the notifications of
// different transactions in the order they committed, and every listening session reads the
// same queue, so every node sees the announcements in one and the same order, its own included
// (each goes out in its own autocommit statement). The last announcement of a device wins. A node
// applies that rule with what it knows when a message arrives:
//
// - its own announcement for the device still on its way (sent, its echo not back): the arriving
//   one comes before it in the bus's order, so it is older: ignored here; the node that sent it
//   ends its own request when this node's announcement reaches it;
// - otherwise the arriving one is newer than anything this node announced for the device: the
//   feed is told (feed.parkedElsewhere) and the registry ends its request of the device, if any.
//
// Two nodes announcing at once therefore never end each other's request both: exactly one, the
// one announced first, is ended. No clock, no schema: a per-node counter only tells a node's own
// echoes apart. The own echo is used for the order and nothing else (the registry has already
// superseded its own older request).
//
// Notifications sent while the LISTEN connection was down are lost, echoes included: on a
// reconnect every announcement still on its way counts as delivered (reset()), so an echo that
// never comes cannot keep a device's request here from being superseded.
//
// The same statement that sends an announcement records the device as parked on this node and
// counts the account's requests parked on the other nodes (store/postgres/parked-counts.ts, the
// per-account cap of docs/push.md rule 8): announce() resolves with that count. withdraw() is the
// request's end; it waits for its announcement to be sent, so a row is never deleted before it
// is written, and such ends are sent together, one statement per turn of the event loop.
import type { PublishingFeed } from '../change-feed.js';
import type { ParkKind } from '../types.js';
import type { ParkedRow } from './parked-counts.js';
import { isId, payloadObject } from './payload.js';

/** Apart from the commits' channel: a node that predates it never LISTENs here, and skips nothing. */
export const PARK_CHANNEL = 'eas_push_park';

export interface ParkMessage {
  node: string;
  accountId: number;
  deviceRowId: number;
  kind: ParkKind;
  /** The announcing node's own counter: tells its echoes apart. */
  seq: number;
}

/** {"v":1,"n":NODE,"a":ACCOUNT,"d":DEVICE,"k":"ping"|"sync","s":SEQ}: a few dozen bytes. */
export function parkPayload(m: ParkMessage): string {
  return JSON.stringify({ v: 1, n: m.node, a: m.accountId, d: m.deviceRowId, k: m.kind, s: m.seq });
}

/** null: not a payload this version understands. */
export function parseParkPayload(text: string): ParkMessage | null {
  const p = payloadObject(text);
  if (p === null) return null;
  const { v, n, a, d, k, s } = p;
  if (v !== 1 || typeof n !== 'string' || !isId(a) || !isId(d) || (k !== 'ping' && k !== 'sync') || !isId(s)) return null;
  return { node: n, accountId: a, deviceRowId: d, kind: k, seq: s };
}

export interface PresenceLog {
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface ParkPresenceOptions {
  /** This node's id, as in the commits' payloads (store/postgres/notify.ts). */
  node: string;
  feed: PublishingFeed;
  /**
   * Sends one payload on PARK_CHANNEL; resolves once it is committed (then it reaches every
   * listener), with the account's requests parked on other nodes (nothing: none counted).
   */
  send(payload: string, row: ParkedRow): Promise<number | void>;
  /** Deletes the rows of ended requests (store/postgres/parked-counts.ts); absent: nothing recorded. */
  withdraw?(rows: ParkedRow[]): Promise<void>;
  log?: PresenceLog;
}

export interface ParkPresence {
  /**
   * Store.announceParked: takes its place in the order at the call (synchronously), then sends;
   * resolves with the account's requests parked on other nodes.
   */
  announce(accountId: number, deviceRowId: number, kind: ParkKind): Promise<number>;
  /** Store.withdrawParked: the device's request announced last here has ended. */
  withdraw(accountId: number, deviceRowId: number): void;
  /** The requests announced here and not withdrawn (written back after a reconnect). */
  parked(): ParkedRow[];
  /** Resolves once every withdrawal asked for so far was sent (before the node's rows are deleted at close). */
  settled(): Promise<void>;
  /** A payload that arrived on PARK_CHANNEL (the bus's LISTEN connection, in the bus's order). */
  receive(payload: string): void;
  /** LISTEN was re-established: echoes sent meanwhile are lost; none is waited for any more. */
  reset(): void;
  /** Announcements whose echo has not come back (tests). */
  awaitingEcho(): number;
}

export function createParkPresence(options: ParkPresenceOptions): ParkPresence {
  const { node, feed, send, log } = options;
  /** Device row id → the seq of this node's newest announcement for it, while its echo is due. */
  const onTheirWay = new Map<number, number>();
  /** Device row id → this node's newest announcement for it, until withdrawn; `sent` settles with its statement. */
  const announced = new Map<number, ParkedRow & { sent: Promise<unknown> }>();
  let ending: ParkedRow[] = [];
  let flushing: Promise<void> = Promise.resolve();
  /** Withdrawals waiting for their announcement's statement. */
  const waiting = new Set<Promise<unknown>>();
  let seq = 0;

  function flush(): void {
    const rows = ending;
    ending = [];
    if (rows.length === 0 || !options.withdraw) return;
    const withdraw = options.withdraw;
    flushing = flushing.then(() =>
      withdraw(rows).catch((err: unknown) => {
        // The rows stay until this node stops: the account's count is too high by that many meanwhile.
        log?.warn('store: ended parked requests not withdrawn', { requests: rows.length, err: String(err) });
      }),
    );
  }

  return {
    async announce(accountId, deviceRowId, kind) {
      const s = ++seq;
      // Before the first await: a message arriving from now on is compared with this one.
      onTheirWay.set(deviceRowId, s);
      const row: ParkedRow = { deviceRowId, accountId, seq: s };
      const sent = send(parkPayload({ node, accountId, deviceRowId, kind, seq: s }), row);
      announced.set(deviceRowId, { ...row, sent });
      try {
        return (await sent) ?? 0;
      } catch (err) {
        // Nobody heard of it: the others' announcements are newer, and must end this request.
        if (onTheirWay.get(deviceRowId) === s) onTheirWay.delete(deviceRowId);
        throw err;
      }
    },
    withdraw(_accountId, deviceRowId) {
      const a = announced.get(deviceRowId);
      if (!a) return;
      announced.delete(deviceRowId);
      const row: ParkedRow = { deviceRowId, accountId: a.accountId, seq: a.seq };
      // After the announcement's statement, whatever its outcome: deleting first would leave its row behind.
      const after = a.sent.then(
        () => {},
        () => {},
      );
      waiting.add(after);
      void after.then(() => {
        waiting.delete(after);
        if (ending.length === 0) setImmediate(flush);
        ending.push(row);
      });
    },
    parked: () => [...announced.values()].map(({ deviceRowId, accountId, seq: s }) => ({ deviceRowId, accountId, seq: s })),
    async settled() {
      await Promise.all(waiting);
      // The withdrawals just queued go out on the next turn; wait for that turn, then for the sends.
      await new Promise((resolve) => setImmediate(resolve));
      flush();
      await flushing;
    },
    receive(payload) {
      const m = parseParkPayload(payload);
      if (!m) {
        // Without the device it names, nothing can be ended: at worst an older request of the
        // device waits for its heartbeat here.
        log?.warn('store: unreadable parked-request announcement from another node; ignored', { payload: payload.slice(0, 200) });
        return;
      }
      if (m.node === node) {
        if (onTheirWay.get(m.deviceRowId) === m.seq) onTheirWay.delete(m.deviceRowId);
        return;
      }
      // Ours is behind it in the bus's order: ours is the newer; its sender ends its own.
      if (onTheirWay.has(m.deviceRowId)) return;
      feed.parkedElsewhere(m.accountId, m.deviceRowId, m.kind);
    },
    reset() {
      onTheirWay.clear();
    },
    awaitingEcho: () => onTheirWay.size,
  };
}
