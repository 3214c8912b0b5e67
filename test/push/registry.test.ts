// The long-poll registry on its own (no HTTP): ordering, wake rules, supersede, disconnect,
// cap, shutdown, and that nothing is left behind (docs/push.md rules 2–8).

import test from 'ava';
import { createChangeFeed, type PublishingFeed } from '../../store/change-feed.js';
import type { ChangeKind } from '../../store/types.js';
import { account, device } from './rows.js';
import type { Logger } from '../../eas/log.js';
import type { PushConfig } from '../../eas/deps.js';
import { EasHttpError } from '../../eas/http/errors.js';
import { createPushRegistry } from '../../eas/push/registry.js';
import type { ParkOutcome, ParkRequest, PushRegistry } from '../../eas/push/types.js';

interface Harness {
  feed: PublishingFeed;
  push: PushRegistry;
  lines: { msg: string; fields: Record<string, unknown> | undefined }[];
}

function harness(config: Partial<PushConfig> = {}): Harness {
  const feed = createChangeFeed((err) => {
    throw err;
  });
  const lines: Harness['lines'] = [];
  const record = (msg: string, fields?: Record<string, unknown>): void => {
    lines.push({ msg, fields });
  };
  const log: Logger = { info: record, warn: record, error: record, debug: record };
  const push = createPushRegistry({
    config: { heartbeatMin: 1, heartbeatMax: 3540, maxPingFolders: 300, pushOn: 'adds', maxParkedPerAccount: 100, ...config },
    log,
    feed,
  });
  return { feed, push, lines };
}


/** Pending changes as the store would report them for one device: folder → kinds. */
class FakeMailbox {
  readonly pendingAdds = new Set<number>();
  readonly pendingOther = new Set<number>();
  calls = 0;
  /** What the store answers now; async as the store's calls are (called synchronously up to its first await). */
  pending = async (addsOnly: boolean): Promise<number[]> => {
    this.calls++;
    const out = new Set(this.pendingAdds);
    if (!addsOnly) for (const f of this.pendingOther) out.add(f);
    return [...out].sort((a, b) => a - b);
  };
}

function request(
  opts: { deviceRowId?: number; accountId?: number; folders?: number[]; heartbeat?: number; box?: FakeMailbox } = {},
): { req: ParkRequest; abort: AbortController; box: FakeMailbox } {
  const abort = new AbortController();
  const box = opts.box ?? new FakeMailbox();
  const accountId = opts.accountId ?? 1;
  const req: ParkRequest = {
    kind: 'ping',
    account: account(accountId),
    device: device(opts.deviceRowId ?? 10, accountId),
    folderIds: opts.folders ?? [1, 2],
    heartbeatSeconds: opts.heartbeat ?? 60,
    signal: abort.signal,
    pending: box.pending,
  };
  return { req, abort, box };
}

/** Lets queued microtasks and immediates run (the registry checks wakes in a microtask). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Resolves with the outcome, or 'parked' if the promise has not settled after the current tasks. */
async function state(p: Promise<ParkOutcome>): Promise<ParkOutcome | 'parked'> {
  return Promise.race([p, settle().then(() => 'parked' as const)]);
}

function publish(feed: PublishingFeed, accountId: number, folderId: number, kind: ChangeKind): void {
  feed.publish([{ accountId, folderId, kind }]);
}

test('a change missed before parking answers at once, without registering anything', async (t) => {
  const h = harness();
  const { req, box } = request();
  box.pendingAdds.add(2);
  box.pendingOther.add(1);
  const outcome = await h.push.park(req);
  t.is(outcome.reason, 'add');
  t.deepEqual(outcome.folderIds, [1, 2], 'once answering, every folder with anything pending is listed');
  t.is(h.push.size(), 0);
  t.is(h.feed.size(), 0);
});

test('under adds, a missed change that is not an add waits for the heartbeat', async (t) => {
  const h = harness();
  const { req, box, abort } = request();
  box.pendingOther.add(1);
  const p = h.push.park(req);
  t.is(await state(p), 'parked');
  abort.abort();
  t.is((await p).reason, 'disconnect');
});

test('an add into a monitored folder wakes the waiter; it subscribes before it checks', async (t) => {
  const h = harness();
  const { req, box } = request();
  const p = h.push.park(req);
  t.is(box.calls, 1, 'the check was asked for inside park()');
  t.is(h.feed.size(), 1, 'subscribed before park() returned');
  // A commit right after park() returns, in the same turn: it must not slip through.
  box.pendingAdds.add(1);
  publish(h.feed, 1, 1, 'add');
  const outcome = await p;
  t.is(outcome.reason, 'add');
  t.deepEqual(outcome.folderIds, [1]);
  t.true(typeof outcome.commitToAnswerMs === 'number' && outcome.commitToAnswerMs >= 0);
  t.is(h.push.size(), 0);
  t.is(h.feed.size(), 0);
});

test('a wake that finds an add in every monitored folder answers after one look; otherwise a second lists the other changes', async (t) => {
  const h = harness();
  const one = request({ folders: [1] });
  const p = h.push.park(one.req);
  t.is(await state(p), 'parked');
  one.box.pendingAdds.add(1);
  publish(h.feed, 1, 1, 'add');
  t.deepEqual((await p).folderIds, [1]);
  t.is(one.box.calls, 2, 'the look before parking, and one for the wake');

  const two = request({ deviceRowId: 11, folders: [1, 2] });
  const q = h.push.park(two.req);
  t.is(await state(q), 'parked');
  two.box.pendingOther.add(2);
  two.box.pendingAdds.add(1);
  publish(h.feed, 1, 1, 'add');
  t.deepEqual((await q).folderIds, [1, 2], 'the other folder\'s change is listed with the add');
  t.is(two.box.calls, 3);
});

/**
 * A look at the store whose answer is held until `release()`: it answers what the store held
 * when the look was asked for, as a store that read before a concurrent commit does.
 */
function heldLook(box: FakeMailbox, from = 1): { pending: (addsOnly: boolean) => Promise<number[]>; release: () => void; asked: () => number } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let n = 0;
  return {
    pending: async (addsOnly) => {
      n++;
      if (n < from) return box.pending(addsOnly);
      const before = await box.pending(addsOnly);
      await gate;
      return before;
    },
    release,
    asked: () => n,
  };
}

test('a commit published while the missed-change check is in flight is not lost (docs/push.md rule 2)', async (t) => {
  const h = harness();
  const { req, box } = request();
  const look = heldLook(box);
  req.pending = look.pending;
  const p = h.push.park(req);
  t.is(h.feed.size(), 1, 'subscribed before the check answered');
  // The delivery commits after the check read the store, and publishes before the check returns.
  box.pendingAdds.add(1);
  publish(h.feed, 1, 1, 'add');
  look.release();
  const outcome = await state(p);
  t.not(outcome, 'parked', 'the wake-up that came during the check was kept, and looked at');
  t.is((outcome as ParkOutcome).reason, 'add');
  t.deepEqual((outcome as ParkOutcome).folderIds, [1]);
  t.true(look.asked() >= 2, 'the store was asked again after the first look');
  t.is(h.push.size(), 0);
  t.is(h.feed.size(), 0);
});

test('a commit published while a wake check is in flight is not lost', async (t) => {
  const h = harness();
  const { req, box } = request();
  // Parks after one look (nothing pending); the next look (the wake's) is held.
  const look = heldLook(box, 2);
  req.pending = look.pending;
  const p = h.push.park(req);
  t.is(await state(p), 'parked');
  // A wake whose look finds nothing (the device's own add, docs/push.md rule 6)…
  publish(h.feed, 1, 2, 'add');
  await settle();
  t.is(look.asked(), 2, 'the wake check is in flight');
  // …and, while that look is held, another device's add commits and publishes.
  box.pendingAdds.add(2);
  publish(h.feed, 1, 2, 'add');
  look.release();
  const outcome = await state(p);
  t.not(outcome, 'parked', 'the second wake-up was looked at once the first look returned');
  t.deepEqual((outcome as ParkOutcome).folderIds, [2]);
  t.is(h.push.size(), 0);
  t.is(h.feed.size(), 0);
});

test('move-in counts as an add', async (t) => {
  const h = harness();
  const { req, box } = request();
  const p = h.push.park(req);
  box.pendingAdds.add(2);
  publish(h.feed, 1, 2, 'move-in');
  t.deepEqual((await p).folderIds, [2]);
});

test('changes in other folders or other accounts do not wake it', async (t) => {
  const h = harness();
  const { req, box, abort } = request({ folders: [1] });
  const p = h.push.park(req);
  box.pendingAdds.add(3);
  publish(h.feed, 1, 3, 'add');
  publish(h.feed, 2, 1, 'add');
  t.is(await state(p), 'parked');
  abort.abort();
  await p;
});

test("a device's own add (nothing pending for it) leaves it parked", async (t) => {
  const h = harness();
  const { req, box, abort } = request();
  const p = h.push.park(req);
  publish(h.feed, 1, 1, 'add');
  t.is(await state(p), 'parked');
  t.is(box.calls, 2, 'the wake re-read the store once');
  // A later add from someone else still wakes it.
  box.pendingAdds.add(1);
  publish(h.feed, 1, 1, 'add');
  const outcome = await p;
  t.is(outcome.reason, 'add');
  abort.abort();
});

test('several publishes of one commit cost one check', async (t) => {
  const h = harness();
  const { req, box } = request();
  const p = h.push.park(req);
  box.pendingAdds.add(1);
  h.feed.publish([
    { accountId: 1, folderId: 1, kind: 'add' },
    { accountId: 1, folderId: 2, kind: 'move-in' },
    { accountId: 1, folderId: 1, kind: 'add' },
  ]);
  await p;
  t.is(box.calls, 1 + 2, 'one check at park, one at the wake (adds then any)');
});

test('under adds, change/delete/move-out do not wake; the heartbeat reports the folder', async (t) => {
  const h = harness();
  const { req, box } = request({ heartbeat: 0.05 });
  const p = h.push.park(req);
  box.pendingOther.add(2);
  for (const kind of ['change', 'delete', 'move-out'] as const) publish(h.feed, 1, 2, kind);
  t.is(await state(p), 'parked');
  const outcome = await p;
  t.is(outcome.reason, 'expiry');
  t.deepEqual(outcome.folderIds, [2]);
  t.is(outcome.commitToAnswerMs, null);
  t.is(h.push.size(), 0);
  t.is(h.feed.size(), 0);
});

test('expiry with nothing pending reports no folder', async (t) => {
  const h = harness();
  const { req } = request({ heartbeat: 0.02 });
  const outcome = await h.push.park(req);
  t.is(outcome.reason, 'expiry');
  t.deepEqual(outcome.folderIds, []);
});

test('under all, any change wakes at once', async (t) => {
  const h = harness({ pushOn: 'all' });
  const { req, box } = request();
  const p = h.push.park(req);
  box.pendingOther.add(1);
  publish(h.feed, 1, 1, 'change');
  const outcome = await p;
  t.is(outcome.reason, 'change');
  t.deepEqual(outcome.folderIds, [1]);
});

test('a newer request of the same device ends the older at once', async (t) => {
  const h = harness();
  const first = request({ deviceRowId: 7 });
  const second = request({ deviceRowId: 7 });
  const p1 = h.push.park(first.req);
  const p2 = h.push.park(second.req);
  const o1 = await state(p1);
  t.not(o1, 'parked');
  t.is((o1 as ParkOutcome).reason, 'superseded');
  t.deepEqual((o1 as ParkOutcome).folderIds, []);
  t.is(h.push.size(), 1);
  t.is(h.feed.size(), 1);
  t.true(h.push.isParked(1, 7));
  t.false(h.push.isParked(2, 7));
  second.abort.abort();
  await p2;
  t.false(h.push.isParked(1, 7));
});

test('a client that goes away leaves nothing behind', async (t) => {
  const h = harness();
  const parked = [1, 2, 3].map((d) => request({ deviceRowId: d }));
  const promises = parked.map(({ req }) => h.push.park(req));
  t.is(h.push.size(), 3);
  for (const { abort } of parked) abort.abort();
  for (const p of promises) t.is((await p).reason, 'disconnect');
  t.is(h.push.size(), 0);
  t.is(h.feed.size(), 0);
});

test('an already aborted request is not parked', async (t) => {
  const h = harness();
  const { req, abort } = request();
  abort.abort();
  t.is((await h.push.park(req)).reason, 'disconnect');
  t.is(h.push.size(), 0);
  t.is(h.feed.size(), 0);
});

test('past the per-account cap: 503 with Retry-After; the same device replacing itself is fine', async (t) => {
  const h = harness({ maxParkedPerAccount: 2 });
  const a = request({ deviceRowId: 1 });
  const b = request({ deviceRowId: 2 });
  const pa = h.push.park(a.req);
  const pb = h.push.park(b.req);
  const err = await t.throwsAsync(h.push.park(request({ deviceRowId: 3 }).req));
  t.true(err instanceof EasHttpError);
  t.is((err as EasHttpError).status, 503);
  t.truthy((err as EasHttpError).headers?.['Retry-After']);
  const other = request({ deviceRowId: 4, accountId: 2 });
  const pOther = h.push.park(other.req);
  const again = request({ deviceRowId: 2 });
  const pAgain = h.push.park(again.req);
  t.is((await pb).reason, 'superseded');
  t.is(h.push.size(), 3);
  for (const r of [a, other, again]) r.abort.abort();
  await Promise.all([pa, pOther, pAgain]);
  t.is(h.push.size(), 0);
});

test('a failing pending check rejects park() and registers nothing', async (t) => {
  const h = harness();
  const { req } = request();
  req.pending = () => {
    throw new Error('disk I/O error');
  };
  await t.throwsAsync(h.push.park(req), { message: 'disk I/O error' });
  t.is(h.push.size(), 0);
  t.is(h.feed.size(), 0);
});

test('shutdown answers every parked request, then refuses to park', async (t) => {
  const h = harness();
  const promises = [1, 2, 3].map((d) => h.push.park(request({ deviceRowId: d }).req));
  await h.push.shutdown();
  for (const p of promises) t.is((await state(p) as ParkOutcome).reason, 'shutdown');
  t.is(h.push.size(), 0);
  t.is(h.feed.size(), 0);
  t.is((await h.push.park(request().req)).reason, 'shutdown');
  t.is(h.push.size(), 0);
});

test('one log line per request when it ends, with what an operator needs', async (t) => {
  const h = harness();
  const { req, box } = request({ deviceRowId: 5 });
  const p = h.push.park(req);
  box.pendingAdds.add(1);
  publish(h.feed, 1, 1, 'add');
  await p;
  const ended = h.lines.filter((l) => l.msg === 'push: parked request ended');
  t.is(ended.length, 1);
  t.like(ended[0]?.fields, { device: 'dev5', kind: 'ping', heartbeat: 60, folders: 2, outcome: 'add', reported: [1] });
  t.is(typeof ended[0]?.fields?.['commitToAnswerMs'], 'number');
  t.is(typeof ended[0]?.fields?.['parkedMs'], 'number');
});
