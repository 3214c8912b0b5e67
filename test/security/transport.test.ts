// Transport security: plain HTTP on a non-loopback address is refused at start in one line that
// names the fix, unless --insecure-http; --tls-cert/--tls-key serve HTTPS and offer STARTTLS on
// SMTP. The certificate is made here with openssl (the fixture cert only when openssl is absent).

import test from 'ava';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { checkPlainHttp, isLoopback } from '../../bin/plain-http.js';
import { runCli, startServe } from '../cli/run.js';
import { openSession } from '../../scripts/lib/raw-smtp.js';
import { rawRequest } from './http.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/mail/', import.meta.url));

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-sec-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A fresh self-signed certificate for CN=localhost; returns [cert, key] paths. */
function makeCertificate(dir: string, log: (m: string) => void): [string, string] {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost',
    ], { stdio: 'ignore' });
  } catch {
    log('openssl not available: using the fixture certificate');
    copyFileSync(join(FIXTURES, 'test-cert.pem'), cert);
    copyFileSync(join(FIXTURES, 'test-key.pem'), key);
  }
  return [cert, key];
}

test('loopback addresses are told apart from network ones', (t) => {
  for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) t.true(isLoopback(host), host);
  for (const host of ['0.0.0.0', '::', '192.0.2.1', '10.0.0.1', 'example.com', '::ffff:10.0.0.1', '128.0.0.1']) t.false(isLoopback(host), host);
  t.notThrows(() => checkPlainHttp({ host: '0.0.0.0', port: 8080 }, true, false), 'TLS');
  t.notThrows(() => checkPlainHttp({ host: '0.0.0.0', port: 8080 }, false, true), '--insecure-http');
  t.throws(() => checkPlainHttp({ host: '::', port: 8080 }, false, false), { message: /^refusing plain HTTP on \[::\]:8080: / });
});

test('serve refuses plain HTTP on a network address in one line naming the fix, from a flag or the environment', async (t) => {
  const dataDir = tempDir(t);
  const expected = 'eas-push: refusing plain HTTP on 0.0.0.0:0: passwords would cross the network in clear; give --tls-cert and --tls-key, or --insecure-http if a TLS proxy is in front\n';
  const byFlag = await runCli(['serve', '--data-dir', dataDir, '--smtp', '127.0.0.1:0', '--http', '0.0.0.0:0']);
  t.is(byFlag.code, 1);
  t.is(byFlag.stderr, expected);
  t.is(byFlag.stdout, '');
  const byEnv = await runCli(['serve', '--data-dir', dataDir, '--smtp', '127.0.0.1:0'], { env: { EAS_PUSH_HTTP: '0.0.0.0:0' } });
  t.is(byEnv.code, 1);
  t.is(byEnv.stderr, expected);
});

test('--insecure-http (a TLS proxy in front) starts plain HTTP on a network address', async (t) => {
  const dataDir = tempDir(t);
  const serve = await startServe(['--data-dir', dataDir, '--smtp', '127.0.0.1:0', '--http', '0.0.0.0:0', '--insecure-http']);
  t.teardown(() => void serve.child.kill('SIGKILL'));
  const res = await rawRequest({ port: serve.port('http') });
  t.is(res.status, 401, 'plain HTTP answers');
  serve.child.kill('SIGTERM');
  t.is((await serve.exited).code, 0);
});

test('--tls-cert/--tls-key: HTTPS on a network address, no plain HTTP there, and STARTTLS delivery', async (t) => {
  t.timeout(60_000);
  const dir = tempDir(t);
  const [cert, key] = makeCertificate(dir, (m) => t.log(m));
  const dataDir = join(dir, 'data');
  const added = await runCli(['user', 'add', 'tls@example.com', '--password', 'tls-secret', '--data-dir', dataDir]);
  t.is(added.code, 0, added.stderr);
  const serve = await startServe(['--data-dir', dataDir, '--smtp', '127.0.0.1:0', '--http', '0.0.0.0:0', '--tls-cert', cert, '--tls-key', key]);
  t.teardown(() => void serve.child.kill('SIGKILL'));
  t.is(serve.listening.http.startsWith('0.0.0.0:'), true);
  const port = serve.port('http');

  const ok = await rawRequest({ port, tls: true, user: 'tls@example.com', password: 'tls-secret' });
  t.is(ok.status, 200);
  t.truthy(ok.headers['ms-asprotocolversions']);
  const wrong = await rawRequest({ port, tls: true, user: 'tls@example.com', password: 'nope' });
  t.is(wrong.status, 401);
  // Plain HTTP to the HTTPS port never reaches the EAS app (Node answers 400 or drops it).
  const plain = await rawRequest({ port, user: 'tls@example.com', password: 'tls-secret' }).then(
    (r) => r.status,
    () => 'refused',
  );
  t.not(plain, 200);

  // SMTP offers STARTTLS, and a client that requires it delivers.
  const smtp = await openSession(serve.port('smtp'));
  const ehlo = await smtp.command('EHLO again.test');
  smtp.close();
  t.true(ehlo.lines.includes('STARTTLS'), ehlo.lines.join('|'));
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: serve.port('smtp'),
    secure: false,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
  });
  const info = await transport.sendMail({ from: 'a@example.org', to: 'tls@example.com', subject: 'over starttls', text: 'hi' });
  transport.close();
  t.deepEqual(info.accepted, ['tls@example.com']);
  await serve.waitForLog((r) => r.msg === 'delivered');

  serve.child.kill('SIGTERM');
  t.is((await serve.exited).code, 0);
});
