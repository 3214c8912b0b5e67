// examples/two-nodes run as an operator runs it: run.sh, given a PostgreSQL URL, migrates it,
// starts two `eas-push serve` nodes and Debian's nginx with the example's own eas-push.conf, and
// adds a user. The phone talks to nginx only: it provisions, syncs, parks a Ping that a swaks
// delivery to a node answers; then one node is stopped and the phone carries on through nginx
// on the other with the keys it holds (no resync), pushed mail included.
//
// Needs nginx and PostgreSQL: skipped on a developer's machine without them, failing under CI
// (CI=true) or EAS_PUSH_TEST_PG=1, as the other PostgreSQL tests (test/helpers/postgres.ts).
// No answer is waited for on a clock: a Ping counts as parked once its node recorded it in the
// device's push history (in the database, which the test reads too).

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { DEFAULTS } from '../../bin/server-defaults.js';
import { DEFAULT_TIMEOUTS } from '../../eas/http/server.js';
import { freePort } from '../../scripts/private-postgres.js';
import { openStoreAt } from '../../store/open.js';
import type { Store } from '../../store/types.js';
import { autodiscoverBody, rawRequest, xmlText } from '../autodiscover/request.js';
import { createEasClient, type EasResponse } from '../helpers/eas-client.js';
import { pgAvailable, pgDatabase, pgRequired } from '../helpers/postgres.js';
import { sendMail } from '../helpers/swaks.js';
import { ping, readPing, syncAll, syncOnce } from '../push/helpers.js';
import { watchLines } from './lines.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'two-nodes');
const USER = 'alice@example.com';
const PASSWORD = 'secret-for-tests';
/** A heartbeat no test reaches (s), within --heartbeat-max. */
const NEVER = 3000;

/** nginx on PATH, or in /usr/sbin (Debian, off a non-root PATH): what run.sh looks for too. */
const nginxAvailable = ['nginx', '/usr/sbin/nginx'].some((cmd) => spawnSync(cmd, ['-v']).status === 0);
const NGINX_MISSING = 'nginx is needed by the two-node example test and was not found (apt-get install nginx-light: scripts/test-deps.sh)';
const e2e = (nginxAvailable && pgAvailable) || pgRequired ? test : test.skip;

test('eas-push.conf: long polls pass, the client cannot choose its address, idle node connections close on nginx\'s side first', (t) => {
  const conf = readFileSync(join(EXAMPLE, 'eas-push.conf'), 'utf8');
  const seconds = (name: string) => Number(new RegExp(`^\\s*${name}\\s+(\\d+)s;`, 'm').exec(conf)?.[1]);
  t.true(seconds('proxy_read_timeout') > DEFAULTS.heartbeatMax, 'nginx must wait longer than the longest heartbeat');
  t.regex(conf, /^\s*proxy_buffering\s+off;/m);
  t.regex(conf, /^\s*proxy_http_version\s+1\.1;/m);
  t.regex(conf, /^\s*proxy_set_header\s+Connection\s+"";/m);
  t.regex(conf, /^\s*keepalive\s+\d+;/m);
  t.true(seconds('keepalive_timeout') * 1000 < DEFAULT_TIMEOUTS.keepAliveMs, 'a node must not close an idle connection nginx may still send on');
  // The node (--trust-proxy) reads the last address of X-Forwarded-For: nginx's own word alone.
  t.regex(conf, /^\s*proxy_set_header\s+X-Forwarded-For\s+\$remote_addr;/m);
  t.true(Number(/client_max_body_size\s+(\d+)m;/.exec(conf)?.[1]) * 1024 * 1024 > DEFAULTS.maxMessageSize);
  t.is(conf.match(/^\s*server\s+\S+:\d+\s/gm)?.length, 2, 'two nodes in the upstream');
});


const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const portOf = (address: string): number => Number(address.slice(address.lastIndexOf(':') + 1));

/** Resolves once `cond` holds, checking every 50 ms (the nodes are other processes); fails after `ms`. */
async function until(cond: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

e2e('run.sh: a phone behind nginx gets pushed mail from either node, and carries on through the other when one stops', async (t) => {
  t.timeout(240_000);
  if (!nginxAvailable) throw new Error(NGINX_MISSING);
  const db = await pgDatabase(t);
  const work = mkdtempSync(join(tmpdir(), 'eas-push-two-nodes-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const port = await freePort();
  // The test's own environment minus EAS_PUSH_* (a node reads those as options).
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EAS_PUSH')));
  const run = spawn('bash', [join(EXAMPLE, 'run.sh'), db.url], {
    cwd: ROOT,
    env: { ...env, LISTEN: `127.0.0.1:${port}`, NODE_A_HTTP: '127.0.0.1:0', NODE_B_HTTP: '127.0.0.1:0', NODE_A_SMTP: '127.0.0.1:0', NODE_B_SMTP: '127.0.0.1:0', EAS_PASSWORD: PASSWORD, WORK: work },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines = watchLines(run);
  const pids: number[] = [];
  t.teardown(() => {
    // Whatever is still running (the test failed half-way): run.sh's children are in their own
    // groups. SIGTERM, not SIGKILL: an nginx master killed outright leaves its worker behind.
    for (const pid of [run.pid ?? 0, ...pids]) if (pid > 0 && alive(pid)) process.kill(pid, 'SIGTERM');
  });
  await lines.waitFor(/Ctrl-C stops everything/);
  const out = lines.output();
  const node = (name: string) => {
    const m = new RegExp(`node ${name} +pid (\\d+) +http (\\S+) +smtp (\\S+)`).exec(out);
    if (!m) throw new Error(`run.sh did not print node ${name}:\n${out}`);
    return { pid: Number(m[1]), http: m[2]!, smtp: portOf(m[3]!) };
  };
  const a = node('a');
  const b = node('b');
  const nginxPid = Number(/nginx +pid (\d+)/.exec(out)?.[1]);
  pids.push(a.pid, b.pid, nginxPid);
  t.regex(out, new RegExp(`server +127\\.0\\.0\\.1:${port} `));
  t.regex(out, new RegExp(`user +${USER}\\n +password +${PASSWORD}\\n`));

  const store: Store = await openStoreAt(db.url, { poolSize: 2 });
  t.teardown(() => store.close());
  const account = await store.findAccount(USER);
  if (!account) throw new Error(`run.sh did not add ${USER}`);

  // Autodiscover through nginx tells the phone where nginx is.
  const discovered = await rawRequest({ port, auth: `${USER}:${PASSWORD}`, body: autodiscoverBody(USER) });
  t.is(discovered.status, 200, discovered.text);
  t.is(xmlText(discovered.text, 'Url'), `http://127.0.0.1:${port}/Microsoft-Server-ActiveSync`);

  const phone = createEasClient({ port, user: USER, password: PASSWORD, deviceId: 'PHONE0001' });
  t.true((await phone.provision()) > 0);
  const inbox = await phone.inboxId();
  let { syncKey } = await syncAll(phone, inbox);
  const device = await store.getDevice(account.id, 'PHONE0001');
  if (!device) throw new Error('the phone is not a device of alice');
  const history = () => store.pushHistory(device.id, 50);

  /**
   * A Ping through nginx, once its node has it parked (recorded in the push history). In an
   * object: an async function returning the promise itself would wait for the answer.
   */
  const parkPing = async (count: number): Promise<{ answer: Promise<EasResponse> }> => {
    let answered = false;
    const request = ping(phone, NEVER, [inbox]);
    request.then(
      () => (answered = true),
      () => (answered = true),
    );
    await until(async () => answered || (await history()).length >= count, `Ping ${count} parked`);
    if (answered) throw new Error(`Ping ${count} was answered (HTTP ${(await request).status}) instead of parking`);
    return { answer: request };
  };
  const deliver = async (smtpPort: number, subject: string) => {
    const sent = await sendMail({ port: smtpPort, to: USER, subject, body: `Body of ${subject}` });
    t.is(sent.code, 0, sent.stdout + sent.stderr);
  };

  // Pushed mail: delivered to node a, the Ping (parked on a or b) answers with the Inbox.
  const first = await parkPing(1);
  await deliver(a.smtp, 'while both nodes run');
  t.deepEqual(readPing(await first.answer), { status: 2, folders: [inbox], heartbeat: undefined, maxFolders: undefined });
  let synced = await syncOnce(phone, inbox, syncKey);
  t.is(synced.status, 1);
  t.deepEqual(synced.adds.map((x) => x.subject), ['while both nodes run']);
  syncKey = synced.syncKey;

  // Node a stops (SIGTERM: it answers what it has parked) while a Ping is parked somewhere.
  let pending = await parkPing(2);
  process.kill(a.pid, 'SIGTERM');
  await lines.waitFor(new RegExp(`node a \\(pid ${a.pid}\\) exited \\(0\\)`));
  t.false(alive(a.pid));
  // Where the Ping was: a wrote its end ("shutdown") before closing the database; on b it is still parked.
  const [entry] = (await history()).sort((x, y) => y.id - x.id);
  if (entry?.outcome === 'shutdown') {
    t.log('the Ping was parked on node a');
    t.is(readPing(await pending.answer).status, 1, 'a stopping node ends its Pings with nothing to report');
    pending = await parkPing(3);
  } else {
    t.log('the Ping was parked on node b');
    t.is(entry?.outcome, null, `the Ping on b is still parked (${JSON.stringify(entry)})`);
  }
  await deliver(b.smtp, 'after node a stopped');
  t.is(readPing(await pending.answer).status, 2);

  // The phone goes on with the keys it holds: same FolderSync and Sync keys, no Status 9 or 3.
  const folders = await phone.folderSync();
  t.is(folders.status, 1);
  synced = await syncOnce(phone, inbox, syncKey);
  t.is(synced.status, 1);
  t.deepEqual(synced.adds.map((x) => x.subject), ['after node a stopped']);
  for (let i = 0; i < 3; i++) t.is((await phone.options()).status, 200);

  // nginx tried the stopped node and went on to the other: the access log names both.
  const log = readFileSync(join(work, 'eas-push-access.log'), 'utf8');
  t.regex(log, new RegExp(`upstream=${a.http.replace(/\./g, '\\.')}, ${b.http.replace(/\./g, '\\.')} upstream_status=502, 200`));
  t.notRegex(log, /" (502|504) upstream=/, 'no request failed');

  // X-Forwarded-For from the client is replaced by nginx: failed logins are counted against the
  // real address, and a client cannot dodge the throttle by naming a new address each time.
  const mallory = createEasClient({ port, user: 'mallory@example.com', password: 'guess', deviceId: 'MALLORY01' });
  const statuses: number[] = [];
  for (let i = 1; i <= 12; i++) statuses.push((await mallory.options({ headers: { 'X-Forwarded-For': `203.0.113.${i}` } })).status);
  t.true(statuses.includes(503), `failed logins throttled: ${statuses.join(' ')}`);

  // Ctrl-C (here SIGTERM): run.sh stops node b and nginx, and exits 0.
  process.kill(run.pid!, 'SIGTERM');
  t.is(await lines.exited, 0, lines.output());
  t.false(alive(b.pid));
  t.false(alive(nginxPid));
});
