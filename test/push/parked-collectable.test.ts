// A parked Ping keeps only its socket, its waiter and what its answer needs (docs/push.md
// rule 11): once it is parked, Koa's context, the command context, the decoded request and the
// request body can all be garbage-collected. Checked with a FinalizationRegistry after forced
// GCs, then the Ping is woken by a delivery and must still answer Status 2 with its folder.

import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import test from 'ava';
import { createEasApp } from '../../eas/app.js';
import { createItemClasses } from '../../eas/classes/index.js';
import { createCommands } from '../../eas/commands/index.js';
import { ping as pingCommand } from '../../eas/commands/ping.js';
import { commandSpec } from '../../eas/commands/types.js';
import type { EasDeps } from '../../eas/deps.js';
import { createEasHttpServer } from '../../eas/http/server.js';
import { createPushRegistry } from '../../eas/push/registry.js';
import { parseMessage } from '../../plugin/parse.js';
import { FolderType, openStore } from '../../store/index.js';
import { quietLog, testPushConfig } from '../helpers/command-context.js';
import { createEasClient } from '../helpers/eas-client.js';
import { ping, readPing, until } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

test('a parked Ping leaves its request body, decoded request and Koa context collectable', async (t) => {
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

  // What a parked Ping must not keep, each tracked by a FinalizationRegistry.
  const collected = new Set<string>();
  const watch = new FinalizationRegistry<string>((label) => collected.add(label));
  let tracking = false;
  const tracked: string[] = [];
  const track = (value: object, label: string): void => {
    if (!tracking) return;
    watch.register(value, label);
    tracked.push(label);
  };
  const commands = {
    ...createCommands(),
    Ping: commandSpec('Ping', (ctx) => {
      track(ctx, 'command context');
      if (ctx.request) track(ctx.request, 'decoded request');
      track(ctx.raw, 'request body');
      return pingCommand.handler(ctx);
    }),
  };
  const app = createEasApp(deps, { commands });
  app.middleware.unshift(async (ctx, next) => {
    track(ctx, 'Koa context');
    track(ctx.request, 'Koa request');
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

  tracking = true;
  const answer = ping(phone, 3000, [String(inbox)]);
  answer.catch(() => {}); // awaited below; a failed assertion before that must not add a rejection
  await until(() => push.size() === 1, 'the Ping parked');
  tracking = false;
  t.deepEqual(tracked.sort(), ['Koa context', 'Koa request', 'command context', 'decoded request', 'request body']);

  // FinalizationRegistry callbacks run as tasks after a GC: a few rounds, never a fixed wait.
  for (let i = 0; i < 20 && collected.size < tracked.length; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  t.deepEqual([...collected].sort(), tracked, 'still reachable while parked: ' + tracked.filter((l) => !collected.has(l)).join(', '));
  t.is(push.size(), 1, 'the Ping is still parked');

  // What the answer needs survived: a delivery wakes it with Status 2 and the folder.
  const raw = Buffer.from('From: bob@example.com\r\nTo: alice@example.com\r\nSubject: hi\r\nMessage-ID: <gc@example.com>\r\n\r\nHello.\r\n');
  await store.addItem(alice.id, inbox, raw, await parseMessage(raw), null);
  const woken = readPing(await answer);
  t.is(woken.status, 2);
  t.deepEqual(woken.folders, [String(inbox)]);
  t.is(push.size(), 0);
});
