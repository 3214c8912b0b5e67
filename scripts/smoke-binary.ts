// Smoke test of the single-file binary, as a newcomer would use it (CI runs it after
// `npm run build:binary`):  tsx scripts/smoke-binary.ts [dist/eas-push]
//
// The binary is copied into an empty temp directory (no node_modules, no package.json) and
// run from there: --version, --help, `user add`, `serve` on free ports. Then
// examples/watch.ts parks a Ping, swaks delivers a mail over SMTP, and the watcher must print
// it; Autodiscover must answer the documented XML with credentials and 401 without. SIGTERM
// must stop the server cleanly, and the addon it unpacked must not be left in TMPDIR.
// Bounded: the whole run is killed and fails after DEADLINE_MS.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEADLINE_MS = 90_000;
const USER = 'alice@example.com';
const PASSWORD = 'smoke-test-password';

const children = new Set<ChildProcess>();
const work = mkdtempSync(join(tmpdir(), 'eas-push-smoke-'));

function cleanup(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}

function say(message: string): void {
  process.stdout.write(`smoke: ${message}\n`);
}

function exitFailed(message: string): never {
  process.stderr.write(`smoke: FAILED: ${message}\n`);
  cleanup();
  process.exit(1);
}

const deadline = setTimeout(() => exitFailed(`not done after ${DEADLINE_MS / 1000} s`), DEADLINE_MS);
deadline.unref();

/** A process whose output is kept and can be waited on line by line. */
function start(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const waitFor = (pattern: RegExp, what: string): Promise<RegExpMatchArray> =>
    new Promise((done) => {
      const check = (): boolean => {
        const m = pattern.exec(output);
        if (m) {
          listeners.delete(check as () => void);
          done(m);
        }
        return !!m;
      };
      if (check()) return;
      listeners.add(check as () => void);
      void exited.then((code) => {
        if (!check()) exitFailed(`${what}: ${command} exited (${code}) first. Output:\n${output}`);
      });
    });
  return { child, exited, waitFor, output: () => output };
}

function runBinary(binary: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((done) => {
    execFile(binary, args, { cwd: work, env, timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) exitFailed(`eas-push ${args.join(' ')}: ${err.message}\n${stdout}${stderr}`);
      done(stdout);
    });
  });
}

function post(port: number, path: string, body: string, auth?: string): Promise<{ status: number; text: string }> {
  return new Promise((done, reject) => {
    const headers: Record<string, string> = { 'Content-Type': 'text/xml', 'Content-Length': String(Buffer.byteLength(body)) };
    if (auth) headers.Authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => done({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const source = resolve(process.argv[2] ?? join(ROOT, 'dist', 'eas-push'));
  const binary = join(work, 'eas-push');
  copyFileSync(source, binary);
  const scratch = join(work, 'tmp');
  mkdirSync(scratch);
  // The binary's own TMPDIR, to see that the unpacked SQLite addon is removed again.
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: scratch };
  for (const key of Object.keys(env)) if (key.startsWith('EAS_PUSH_')) delete env[key];

  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const version = (await runBinary(binary, ['--version'], env)).trim();
  if (version !== `eas-push ${pkg.version}`) exitFailed(`--version printed "${version}"`);
  if (!(await runBinary(binary, ['--help'], env)).includes('eas-push serve')) exitFailed('--help does not list serve');
  if (!(await runBinary(binary, ['user', 'add', USER, '--password', PASSWORD], env)).includes(`added ${USER}`)) exitFailed('user add');
  say(`${version} runs from an empty directory; user added`);

  const server = start(binary, ['serve', '--smtp', '127.0.0.1:0', '--http', '127.0.0.1:0', '--heartbeat-min', '1', '--public-url', 'https://mail.example.com'], { cwd: work, env });
  const [, smtpPort, httpPort] = await server.waitFor(/"msg":"listening".*"smtp":"127\.0\.0\.1:(\d+)".*"http":"127\.0\.0\.1:(\d+)"/, 'serve did not start');
  say(`serving SMTP on ${smtpPort}, EAS on ${httpPort}`);

  const watcher = start(process.execPath, ['--import', 'tsx', join(ROOT, 'examples', 'watch.ts'), '--user', USER, '--password', PASSWORD, '--url', `http://127.0.0.1:${httpPort}`, '--heartbeat', '30'], { cwd: ROOT });
  await watcher.waitFor(/^Waiting for new mail/m, 'the watcher did not park its Ping');

  const subject = `smoke ${Date.now()}`;
  await new Promise<void>((done) => {
    execFile('swaks', ['--server', `127.0.0.1:${smtpPort}`, '--to', USER, '--from', 'smoke@example.org', '--header', `Subject: ${subject}`, '--timeout', '20'], (err, stdout) => {
      if (err) exitFailed(`swaks: ${err.message}\n${stdout}`);
      done();
    });
  });
  const sentAt = Date.now();
  const [line] = await watcher.waitFor(new RegExp(`^.*Subject: ${subject}.*$`, 'm'), 'the watcher did not print the mail');
  say(`pushed to the watcher ${Date.now() - sentAt} ms after swaks finished: ${line.trim()}`);

  const request = `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006"><Request><EMailAddress>${USER}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006</AcceptableResponseSchema></Request></Autodiscover>`;
  const discovered = await post(Number(httpPort), '/autodiscover/autodiscover.xml', request, `${USER}:${PASSWORD}`);
  if (discovered.status !== 200 || !discovered.text.includes('<Url>https://mail.example.com/Microsoft-Server-ActiveSync</Url>')) {
    exitFailed(`Autodiscover answered ${discovered.status}:\n${discovered.text}`);
  }
  const anonymous = await post(Number(httpPort), '/autodiscover/autodiscover.xml', request);
  if (anonymous.status !== 401) exitFailed(`Autodiscover without credentials answered ${anonymous.status}`);
  say('Autodiscover: settings with credentials, 401 without');

  watcher.child.kill('SIGINT');
  if ((await watcher.exited) !== 0) exitFailed(`the watcher did not exit cleanly:\n${watcher.output()}`);
  server.child.kill('SIGTERM');
  const code = await server.exited;
  if (code !== 0) exitFailed(`serve exited ${code} on SIGTERM:\n${server.output()}`);
  if (!server.output().includes('"msg":"stopped"')) exitFailed(`serve did not log "stopped":\n${server.output()}`);
  // Warnings too: e.g. parse workers that could not start from the bundle would say so here.
  const errors = server.output().split('\n').filter((l) => /"level":"(error|warn)"/.test(l));
  if (errors.length > 0) exitFailed(`serve logged errors or warnings:\n${errors.join('\n')}`);
  const left = readdirSync(scratch);
  if (left.length > 0) exitFailed(`left in TMPDIR: ${left.join(', ')}`);
  say('watcher and server stopped cleanly; nothing left in TMPDIR');
  cleanup();
  say('passed');
}

main().catch((err: unknown) => exitFailed(err instanceof Error ? (err.stack ?? err.message) : String(err)));
