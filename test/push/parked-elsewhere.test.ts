// The registry's side of one parked request per device across nodes (docs/push.md rule 3): it
// announces every request it takes through the store, counts it parked only once the
// announcement is out, and ends its request of a device when the feed says another node parked
// a newer one. No HTTP and no PostgreSQL here: the feed is the real one, the store's
// announcement a recorder (test/store-pg/cross-node*.test.ts run it over two servers).

import test from 'ava';
import { createChangeFeed, type PublishingFeed } from '../../store/change-feed.js';
import type { ParkKind } from '../../store/types.js';
import { account, device } from './rows.js';
import type { Logger } from '../../eas/log.js';
import { createPushRegistry, type ParkPresence } from '../../eas/push/registry.js';
import type { ParkOutcome, ParkRequest, PushRegistry } from '../../eas/push/types.js';

interface Harness {
  feed: PublishingFeed;
  push: PushRegistry;
  announced: Array<[accountId: number, deviceRowId: number, kind: ParkKind]>;
  warnings: string[];
  /** Announcements resolve when this is called (all at once), or at once when `held` is false. */
  release: () => void;
}

function harness(opts: { held?: boolean; failing?: boolean } = {}): Harness {
  const feed = createChangeFeed((err) => {
    throw err;
  });
  const announced: Harness['announced'] = [];
  const warnings: string[] = [];
  const waiting: Array<() => void> = [];
  const presence: ParkPresence = {
    announceParked: async (accountId, deviceRowId, kind) => {
      announced.push([accountId, deviceRowId, kind]);
      if (opts.held) await new Promise<void>((resolve) => waiting.push(resolve));
      if (opts.failing) throw new Error('NOTIFY failed');
    },
  };
  const quiet = (): void => {};
  const log: Logger = { info: quiet, debug: quiet, error: quiet, warn: (msg) => warnings.push(msg) };
  const push = createPushRegistry({
    config: { heartbeatMin: 1, heartbeatMax: 3540, maxPingFolders: 300, pushOn: 'adds', maxParkedPerAccount: 100 },
    log,
    feed,
    presence,
  });
  return { feed, push, announced, warnings, release: () => waiting.splice(0).forEach((f) => f()) };
}


function request(opts: { deviceRowId?: number; accountId?: number; kind?: ParkKind; pendingAdds?: number[] } = {}): ParkRequest {
  const accountId = opts.accountId ?? 1;
  return {
    kind: opts.kind ?? 'ping',
    account: account(accountId),
    device: device(opts.deviceRowId ?? 10, accountId),
    folderIds: [1, 2],
    heartbeatSeconds: 3000,
    signal: new AbortController().signal,
    pending: async () => opts.pendingAdds ?? [],
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function state(p: Promise<ParkOutcome>): Promise<ParkOutcome | 'parked'> {
  return Promise.race([p, settle().then(() => 'parked' as const)]);
}

test('every request is announced as it is taken, also one answered at once', async (t) => {
  const h = harness();
  const parked = h.push.park(request({ deviceRowId: 10, kind: 'sync' }));
  t.is(await state(parked), 'parked');
  const atOnce = await h.push.park(request({ deviceRowId: 11, pendingAdds: [2] }));
  t.is(atOnce.reason, 'add');
  t.deepEqual(h.announced, [
    [1, 10, 'sync'],
    [1, 11, 'ping'],
  ]);
  await h.push.shutdown();
  t.is((await parked).reason, 'shutdown');
  t.is(h.announced.length, 2, 'shutdown announces nothing');
});

test('a newer request of the device on another node ends the one parked here as superseded; others stay', async (t) => {
  const h = harness();
  const mine = h.push.park(request({ deviceRowId: 10 }));
  const other = h.push.park(request({ deviceRowId: 20 }));
  t.is(await state(mine), 'parked');
  h.feed.parkedElsewhere(2, 10, 'ping');
  t.is(await state(mine), 'parked', 'the same device row id of another account is not this device');
  h.feed.parkedElsewhere(1, 10, 'sync');
  const outcome = await mine;
  t.is(outcome.reason, 'superseded');
  t.deepEqual(outcome.folderIds, []);
  t.is(await state(other), 'parked');
  t.is(h.push.size(), 1);
  h.feed.parkedElsewhere(1, 10, 'ping');
  t.is(h.push.size(), 1, 'nothing left to end: a no-op');
  await h.push.shutdown();
  t.is((await other).reason, 'shutdown');
  t.is(h.feed.size(), 0);
});

test('a request is parked only once its announcement is out; one ended meanwhile is answered as superseded', async (t) => {
  const h = harness({ held: true });
  const ticket = h.push.hold!(request({ deviceRowId: 10 }), () => {});
  t.is(await Promise.race([ticket.then(() => 'held'), settle().then(() => 'announcing')]), 'announcing');
  h.release();
  await ticket;

  const answers: ParkOutcome[] = [];
  const second = h.push.hold!(request({ deviceRowId: 30 }), (o) => answers.push(o));
  await settle();
  h.feed.parkedElsewhere(1, 30, 'ping');
  t.deepEqual(answers.map((o) => o.reason), ['superseded'], 'answered at once, while its announcement was out');
  h.release();
  await second;
  t.is(h.push.size(), 1);
  await h.push.shutdown();
  t.is(h.push.size(), 0);
});

test('an announcement that fails is logged, and the request parks all the same', async (t) => {
  const h = harness({ failing: true });
  const p = h.push.park(request());
  t.is(await state(p), 'parked');
  t.deepEqual(h.warnings, ['push: other nodes not told of a parked request']);
  await h.push.shutdown();
  t.is((await p).reason, 'shutdown');
});
