// The CLI's commands in-process (same code as the binary, with a fake terminal): user
// administration, option and environment handling, help, and the one-line errors.

import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOptions } from '../../bin/cli/options.js';
import { SERVE_OPTIONS, serveOptions } from '../../bin/cli/serve-options.js';
import { openStore } from '../../store/index.js';
import { runCli as cli, type Ran as Captured } from '../helpers/cli.js';

function dataDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('user add, list, passwd and remove', async (t) => {
  const dir = dataDir(t);
  const d = ['--data-dir', dir];
  t.like(await cli(['user', 'add', 'Alice@Example.com', '--password', 'pw-one', ...d]), { code: 0, stdout: 'added alice@example.com\n' });
  t.like(await cli(['user', 'add', 'bob@example.com', '--password-stdin', '--name', 'Bob B', ...d], {}, 'pw-two\n'), { code: 0 });
  t.like(await cli(['user', 'list', ...d]), { code: 0, stdout: 'alice@example.com\nbob@example.com\tBob B\n' });

  t.like(await cli(['user', 'passwd', 'alice@example.com', '--password=pw-new', ...d]), { code: 0, stdout: 'password changed for alice@example.com\n' });
  const store = openStore(join(dir, 'eas-push.sqlite'));
  t.truthy(await store.verifyPassword('alice@example.com', 'pw-new'));
  t.is(await store.verifyPassword('alice@example.com', 'pw-one'), null);
  t.truthy(await store.verifyPassword('bob@example.com', 'pw-two'), 'the newline from stdin is not part of the password');
  await store.close();

  t.like(await cli(['user', 'remove', 'alice@example.com', ...d]), { code: 0, stdout: 'removed alice@example.com\n' });
  t.like(await cli(['user', 'list', ...d]), { stdout: 'bob@example.com\tBob B\n' });
});

test('user errors are one line with a non-zero exit', async (t) => {
  const dir = dataDir(t);
  const d = ['--data-dir', dir];
  await cli(['user', 'add', 'carol@example.com', '--password', 'x', ...d]);
  const cases: Array<[string[], number, string, string?]> = [
    [['user', 'add', 'carol@example.com', '--password', 'x', ...d], 1, 'eas-push: account carol@example.com already exists\n'],
    [['user', 'add', 'dave@example.com', ...d], 2, 'eas-push: user add needs --password PW or --password-stdin\n'],
    [['user', 'add', 'dave@example.com', '--password', 'a', '--password-stdin', ...d], 2, 'eas-push: user add: use --password or --password-stdin, not both\n'],
    [['user', 'add', 'dave@example.com', '--password-stdin', ...d], 2, 'eas-push: no password on standard input\n', '\n'],
    [['user', 'remove', 'carol+tag@example.com', ...d], 1, 'eas-push: no account carol+tag@example.com\n'],
    [['user', 'passwd', 'nobody@example.com', '--password', 'y', ...d], 1, 'eas-push: no account nobody@example.com\n'],
    [['user', 'remove', ...d], 2, 'eas-push: usage: eas-push user remove ADDRESS\n'],
    [['user', 'frob'], 2, 'eas-push: unknown command "user frob" (see eas-push --help)\n'],
    [['user', 'list', '--verbose'], 2, 'eas-push: unknown option --verbose for "user list" (see eas-push user list --help)\n'],
  ];
  for (const [args, code, stderr, stdin] of cases) {
    const res = await cli(args, {}, stdin);
    t.is(res.code, code, args.join(' '));
    t.is(res.stderr, stderr, args.join(' '));
  }
  // Nothing was half-done by the failures.
  t.like(await cli(['user', 'list', ...d]), { stdout: 'carol@example.com\n' });
});

test('the data dir comes from EAS_PUSH_DATA_DIR unless --data-dir says otherwise', async (t) => {
  const fromEnv = dataDir(t);
  const fromFlag = dataDir(t);
  await cli(['user', 'add', 'env@example.com', '--password', 'x'], { EAS_PUSH_DATA_DIR: fromEnv });
  await cli(['user', 'add', 'flag@example.com', '--password', 'x', '--data-dir', fromFlag], { EAS_PUSH_DATA_DIR: fromEnv });
  t.is((await cli(['user', 'list', '--data-dir', fromEnv])).stdout, 'env@example.com\n');
  t.is((await cli(['user', 'list'], { EAS_PUSH_DATA_DIR: fromFlag })).stdout, 'flag@example.com\n');
});

test('serve options: defaults of the runtime contract', (t) => {
  const { values } = parseOptions([], SERVE_OPTIONS, {}, 'serve');
  t.deepEqual(serveOptions(values), {
    dataDir: './data',
    smtp: { host: '127.0.0.1', port: 2525 },
    lmtp: null,
    http: { host: '127.0.0.1', port: 8080 },
    tls: null,
    heartbeatMin: 60,
    heartbeatMax: 3540,
    maxPingFolders: 300,
    pushOn: 'adds',
    maxMessageSize: 25 * 1024 * 1024,
    smarthost: null,
    logLevel: 'info',
  });
});

test('serve options: every flag has an EAS_PUSH_ variable, and flags win', (t) => {
  const env = {
    EAS_PUSH_DATA_DIR: '/srv/mail',
    EAS_PUSH_SMTP: '0.0.0.0:25',
    EAS_PUSH_LMTP: '[::1]:24',
    EAS_PUSH_HTTP: '9000',
    EAS_PUSH_HEARTBEAT_MIN: '30',
    EAS_PUSH_HEARTBEAT_MAX: '900',
    EAS_PUSH_MAX_PING_FOLDERS: '50',
    EAS_PUSH_PUSH_ON: 'all',
    EAS_PUSH_MAX_MESSAGE_SIZE: '10M',
    EAS_PUSH_SMARTHOST: 'smtp://relay.example.net:587',
    EAS_PUSH_LOG_LEVEL: 'debug',
  };
  const fromEnv = serveOptions(parseOptions([], SERVE_OPTIONS, env, 'serve').values);
  t.like(fromEnv, {
    dataDir: '/srv/mail',
    smtp: { host: '0.0.0.0', port: 25 },
    lmtp: { host: '::1', port: 24 },
    http: { host: '127.0.0.1', port: 9000 },
    heartbeatMin: 30,
    heartbeatMax: 900,
    maxPingFolders: 50,
    pushOn: 'all',
    maxMessageSize: 10 * 1024 * 1024,
    smarthost: 'smtp://relay.example.net:587',
    logLevel: 'debug',
  });
  const flags = ['--http', '127.0.0.1:9001', '--push-on=adds', '--max-message-size', '1000', '--smtp', 'off'];
  t.like(serveOptions(parseOptions(flags, SERVE_OPTIONS, env, 'serve').values), {
    http: { host: '127.0.0.1', port: 9001 },
    pushOn: 'adds',
    maxMessageSize: 1000,
    smtp: null,
    lmtp: { host: '::1', port: 24 },
  });
});

test('bad flags and values: one line naming the flag or variable, exit 2, nothing started', async (t) => {
  const cases: Array<[string[], Record<string, string>, string]> = [
    [['serve', '--bogus'], {}, 'unknown option --bogus for "serve" (see eas-push serve --help)'],
    [['serve', '--smtp'], {}, 'option --smtp needs a value (HOST:PORT)'],
    [['serve', '--smtp', 'localhost'], {}, 'invalid value for --smtp: "localhost" (expected HOST:PORT)'],
    [['serve', '--http', '127.0.0.1:70000'], {}, 'invalid value for --http: "127.0.0.1:70000" (expected a port between 0 and 65535)'],
    [['serve', '--heartbeat-max', '4000'], {}, 'invalid value for --heartbeat-max: "4000" (expected seconds between 1 and 3540)'],
    [['serve', '--heartbeat-min', '600', '--heartbeat-max', '300'], {}, '--heartbeat-min (600) is above --heartbeat-max (300)'],
    [['serve', '--push-on', 'never'], {}, 'invalid value for --push-on: "never" (expected one of adds, all)'],
    [['serve', '--max-message-size', 'lots'], {}, 'invalid value for --max-message-size: "lots" (expected a size in bytes (e.g. 26214400 or 25M))'],
    [['serve', '--smarthost', 'http://x'], {}, 'invalid value for --smarthost: "http://x" (expected an smtp:// or smtps:// URL)'],
    [['serve', '--tls-cert', 'cert.pem'], {}, '--tls-cert and --tls-key go together'],
    [['serve', '--smtp', 'off'], {}, '--smtp off needs --lmtp: there would be no way to deliver mail'],
    [['serve'], { EAS_PUSH_MAX_PING_FOLDERS: '0' }, 'invalid value for EAS_PUSH_MAX_PING_FOLDERS: "0" (expected a whole number between 1 and 9007199254740991)'],
    [['serve'], { EAS_PUSH_LOG_LEVEL: 'loud' }, 'invalid value for EAS_PUSH_LOG_LEVEL: "loud" (expected one of debug, info, warn, error, silent)'],
    [['frob'], {}, 'unknown command "frob" (see eas-push --help)'],
  ];
  for (const [args, env, message] of cases) {
    const res = await cli(args, env);
    t.is(res.code, 2, args.join(' '));
    t.is(res.stderr, `eas-push: ${message}\n`);
    t.is(res.stdout, '');
  }
});

test('--help, per-command help and --version', async (t) => {
  const top = await cli(['--help']);
  t.is(top.code, 0);
  t.regex(top.stdout, /eas-push serve \[options\]/);
  t.regex(top.stdout, /EAS_PUSH_<OPTION>/);
  const serve = await cli(['serve', '--help']);
  t.is(serve.code, 0);
  for (const spec of SERVE_OPTIONS) t.true(serve.stdout.includes(`--${spec.name}`), spec.name);
  t.regex((await cli(['user', 'add', '--help'])).stdout, /--password-stdin/);
  t.regex((await cli(['--version'])).stdout, /^eas-push \d+\.\d+\.\d+\n$/);
  t.is((await cli([])).code, 2, 'no command: usage and a non-zero exit');
});
