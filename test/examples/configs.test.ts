// The deployment examples (examples/systemd, nginx, postfix) checked against the real CLI and
// against each other: the unit's flags and EAS_PUSH_* variables parse with `eas-push serve`'s
// own parser, nginx waits longer than the longest heartbeat and forwards to where eas-push
// listens, Postfix hands mail to the LMTP port the unit opens.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { envName, parseOptions } from '../../bin/cli/options.js';
import { SERVE_OPTIONS, serveOptions } from '../../bin/cli/serve-options.js';
import { DEFAULTS } from '../../bin/server-defaults.js';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');
const read = (path: string): string => readFileSync(join(EXAMPLES, path), 'utf8');

/** Active (uncommented) `key = value` lines of a unit file or main.cf. */
function settings(text: string, separator: RegExp): Array<[string, string]> {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#') && !l.trimStart().startsWith('['))
    .map((l) => {
      const m = separator.exec(l);
      if (!m || m.index === undefined) throw new Error(`not a setting: ${l}`);
      return [l.slice(0, m.index).trim(), l.slice(m.index + m[0].length).trim()] as [string, string];
    });
}

function unit() {
  const entries = settings(read('systemd/eas-push.service'), /=/);
  const execStart = entries.filter(([k]) => k === 'ExecStart').map(([, v]) => v);
  const env: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (k !== 'Environment') continue;
    const eq = v.indexOf('=');
    env[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return { execStart, env, entries };
}

test('systemd: ExecStart and its EAS_PUSH_* variables parse with the real serve options', (t) => {
  const { execStart, env } = unit();
  t.is(execStart.length, 1);
  const [binary, command, ...args] = execStart[0]!.split(/\s+/);
  t.is(binary, '/usr/local/bin/eas-push');
  t.is(command, 'serve');
  const { values, positionals } = parseOptions(args, SERVE_OPTIONS, env, 'serve');
  t.deepEqual(positionals, []);
  const options = serveOptions(values);
  t.is(options.dataDir, '/var/lib/eas-push');
  t.deepEqual(options.http, { host: '127.0.0.1', port: 8080 });
  t.deepEqual(options.lmtp, { host: '127.0.0.1', port: 2424 });
  t.is(options.smtp, null);
  t.true(options.trustProxy);
  t.is(options.publicUrl, 'https://mail.example.com');
  t.is(options.logLevel, 'info');
});

test('systemd: every Environment= names an option (a typo would be ignored silently)', (t) => {
  const known = new Set(SERVE_OPTIONS.map((o) => envName(o.name)));
  for (const name of Object.keys(unit().env)) t.true(known.has(name), `${name} is not an eas-push serve option`);
});

test('systemd: the data directory is the StateDirectory, and it is hardened', (t) => {
  const { entries } = unit();
  const get = (key: string) => entries.find(([k]) => k === key)?.[1];
  t.is(`/var/lib/${get('StateDirectory')}`, '/var/lib/eas-push');
  t.is(get('ProtectSystem'), 'strict');
  t.is(get('NoNewPrivileges'), 'yes');
  // The binary unpacks its SQLite addon under TMPDIR: /tmp must stay writable.
  t.is(get('PrivateTmp'), 'yes');
  t.is(get('MemoryDenyWriteExecute'), undefined, 'V8 needs W+X pages');
  if (spawnSync('systemd-analyze', ['--version']).status === 0) {
    const dir = mkdtempSync(join(tmpdir(), 'eas-push-unit-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const copy = join(dir, 'eas-push.service');
    writeFileSync(copy, read('systemd/eas-push.service').replace('/usr/local/bin/eas-push', '/bin/true'));
    const verify = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
    t.false(/Unknown (key|section)|Invalid|Failed to parse/i.test(verify.stderr), verify.stderr);
  }
});

test('nginx: waits longer than the longest heartbeat, unbuffered, and lets big SendMails through', (t) => {
  const conf = read('nginx/eas-push.conf');
  const seconds = Number(/proxy_read_timeout\s+(\d+)s;/.exec(conf)?.[1]);
  t.true(seconds > DEFAULTS.heartbeatMax, `proxy_read_timeout ${seconds} s must exceed ${DEFAULTS.heartbeatMax} s`);
  t.regex(conf, /proxy_buffering\s+off;/);
  const size = /client_max_body_size\s+(\d+)m;/.exec(conf)?.[1];
  t.true(Number(size) * 1024 * 1024 > DEFAULTS.maxMessageSize);
});

test('nginx: forwards the EAS endpoint and Autodiscover, any case, to where the unit listens', (t) => {
  const conf = read('nginx/eas-push.conf');
  const location = /location ~\* (\S+) \{/.exec(conf)?.[1];
  t.truthy(location);
  const matches = new RegExp(location!, 'i');
  for (const path of ['/Microsoft-Server-ActiveSync', '/microsoft-server-activesync', '/autodiscover/autodiscover.xml', '/AutoDiscover/AutoDiscover.xml']) {
    t.true(matches.test(path), path);
  }
  t.false(matches.test('/admin'));
  t.is(/proxy_pass http:\/\/([^;]+);/.exec(conf)?.[1], unit().env.EAS_PUSH_HTTP);
});

test('nginx -t accepts the file (Debian nginx-light, installed by scripts/test-deps.sh)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-nginx-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=mail.example.com', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const site = read('nginx/eas-push.conf')
    .replace(/\/etc\/letsencrypt\/live\/mail\.example\.com\/fullchain\.pem/, join(dir, 'cert.pem'))
    .replace(/\/etc\/letsencrypt\/live\/mail\.example\.com\/privkey\.pem/, join(dir, 'key.pem'));
  writeFileSync(join(dir, 'site.conf'), site);
  writeFileSync(join(dir, 'nginx.conf'), `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n  access_log off;\n  include ${dir}/site.conf;\n}\n`);
  const check = spawnSync('nginx', ['-t', '-q', '-p', dir, '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
  t.is(check.status, 0, check.stderr);
});

test('postfix: virtual_transport is the LMTP address the unit opens', (t) => {
  const cf = new Map(settings(read('postfix/main.cf'), /=/));
  const lmtp = unit().env.EAS_PUSH_LMTP;
  t.is(cf.get('virtual_transport'), `lmtp:inet:${lmtp}`);
  t.truthy(cf.get('virtual_mailbox_domains'));
  t.regex(cf.get('virtual_mailbox_maps') ?? '', /^hash:/);
});
