// A parked Ping, or Sync with Wait, keeps only its socket, its waiter and what its answer needs
// (docs/push.md rule 11): once it is parked, Koa's context, the command context, the decoded
// request, the request body and the header lists Node parsed can all be garbage-collected.
// Checked with a FinalizationRegistry after forced GCs; then a delivery wakes the request, which
// must still answer with the mail.

import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import test, { type ExecutionContext } from 'ava';
import { createEasApp } from '../../eas/app.js';
import { createItemClasses } from '../../eas/classes/index.js';
import { createCommands } from '../../eas/commands/index.js';
import { commandSpec, type CommandSpec } from '../../eas/commands/types.js';
import type { EasDeps } from '../../eas/deps.js';
import { createEasHttpServer } from '../../eas/http/server.js';
import { createPushRegistry } from '../../eas/push/registry.js';
import { parseMessage } from '../../plugin/parse.js';
import { FolderType, openStore } from '../../store/index.js';
import { quietLog, testPushConfig } from '../helpers/command-context.js';
import { createEasClient } from '../helpers/eas-client.js';
import { ping, readPing, syncAll, syncOnce, until } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A server whose `cmd` handler registers what a parked request must not keep, while `tracking`. */
async function world(t: ExecutionContext, cmd: 'Ping' | 'Sync') {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-gc-'));
  const store = openStore(join(dir, 'mail.sqlite'));
  const push = createPushRegistry({ config: testPushConfig(), log: quietLog, feed: store.feed });
  const deps: EasDeps = {
    store,
    config: { push: testPushConfig(), enforceProvisioning: false, maxRequestBytes: 1 << 20, serverName: 'test' },
    log: quietLog,
    parse: (raw) => parseMessage(raw),
    deliverLocal: () => Promise.reject(new Error('not in this test')),
    relay: null,
    push,
    classes: createItemClasses(),
  };

  // What a parked request must not keep, each tracked by a FinalizationRegistry.
  const collected = new Set<string>();
  const watch = new FinalizationRegistry<string>((label) => collected.add(label));
  const state = { tracking: false };
  const tracked: string[] = [];
  const track = (value: object, label: string): void => {
    if (!state.tracking) return;
    watch.register(value, label);
    tracked.push(label);
  };
  const table = createCommands();
  const real = table[cmd] as CommandSpec;
  const commands = {
    ...table,
    [cmd]: commandSpec(cmd, (ctx) => {
      track(ctx, 'command context');
      if (ctx.request) track(ctx.request, 'decoded request');
      track(ctx.raw, 'request body');
      return real.handler(ctx);
    }),
  };
  const app = createEasApp(deps, { commands });
  app.middleware.unshift(async (ctx, next) => {
    track(ctx, 'Koa context');
    track(ctx.request, 'Koa request');
    // Node keeps the request itself with the socket; the headers it read are let go once parked.
    track(ctx.req.headers, 'request headers');
    track(ctx.req.rawHeaders, 'raw request headers');
    await next();
  });
  const server = createEasHttpServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(async () => {
    await push.shutdown();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const alice = await store.createAccount('alice@example.com', 'secret');
  const inbox = (await store.folderByType(alice.id, FolderType.Inbox))!.id;
  const phone = createEasClient({ port: (server.address() as AddressInfo).port, user: 'alice@example.com', password: 'secret', deviceId: 'GCPHONE01' });
  await phone.folderSync();

  /** Tracks while `start` sends the request, until it is parked; then collects and checks. */
  const parkAndCollect = async <T>(start: () => Promise<T>): Promise<{ answer: Promise<T> }> => {
    state.tracking = true;
    const answer = start();
    answer.catch(() => {}); // awaited by the caller; a failed assertion before that must not add a rejection
    await until(() => push.size() === 1, `the ${cmd} parked`);
    state.tracking = false;
    t.deepEqual(tracked.sort(), ['Koa context', 'Koa request', 'command context', 'decoded request', 'raw request headers', 'request body', 'request headers']);
    // FinalizationRegistry callbacks run as tasks after a GC: a few rounds, never a fixed wait.
    for (let i = 0; i < 20 && collected.size < tracked.length; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    t.deepEqual([...collected].sort(), tracked, 'still reachable while parked: ' + tracked.filter((l) => !collected.has(l)).join(', '));
    t.is(push.size(), 1, `the ${cmd} is still parked`);
    // Wrapped: an async function returning the Promise itself would wait for the answer.
    return { answer };
  };

  const deliver = async (subject: string): Promise<void> => {
    const raw = Buffer.from(`From: bob@example.com\r\nTo: alice@example.com\r\nSubject: ${subject}\r\nMessage-ID: <gc-${subject.length}@example.com>\r\n\r\nHello.\r\n`);
    await store.addItem(alice.id, inbox, raw, await parseMessage(raw), null);
  };
  return { push, phone, inbox: String(inbox), parkAndCollect, deliver };
}

test('a parked Ping leaves its request body, headers, decoded request and Koa context collectable', async (t) => {
  const w = await world(t, 'Ping');
  const { answer } = await w.parkAndCollect(() => ping(w.phone, 3000, [w.inbox]));
  // What the answer needs survived: a delivery wakes it with Status 2 and the folder.
  await w.deliver('hi');
  const woken = readPing(await answer);
  t.is(woken.status, 2);
  t.deepEqual(woken.folders, [w.inbox]);
  t.is(w.push.size(), 0);
});

test('a parked Sync with Wait leaves them collectable too, and answers with the new mail', async (t) => {
  const w = await world(t, 'Sync');
  const { syncKey } = await syncAll(w.phone, w.inbox);
  const { answer } = await w.parkAndCollect(() => syncOnce(w.phone, w.inbox, syncKey, { heartbeat: 3000 }));
  await w.deliver('Held and woken');
  const r = await answer;
  t.is(r.status, 1);
  t.deepEqual(r.adds.map((a) => a.subject), ['Held and woken']);
  t.not(r.syncKey, syncKey);
  t.is(w.push.size(), 0);
});
