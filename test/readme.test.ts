// The README's "first mail" walk-through, run as written: its shell blocks are read from
// README.md, so the README cannot drift from what the program does. The only changes are
// the ones a test must make: ports 2525/8080 become free ones (through the EAS_PUSH_*
// variables the README documents) and the data directory is a fresh temp dir.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { watchLines } from './examples/lines.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The ```sh blocks of one README section, as command lines (continuations joined, comments dropped). */
function shellCommands(section: string): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`## ${section}`);
  if (start < 0) throw new Error(`README has no section "${section}"`);
  const end = readme.indexOf('\n## ', start + 3);
  const body = readme.slice(start, end < 0 ? undefined : end);
  const blocks = [...body.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks
    .join('\n')
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function bash(command: string, env: NodeJS.ProcessEnv): ChildProcess {
  // Its own process group, so npm and what it starts can be stopped together.
  return spawn('bash', ['-c', command], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
}

function finished(child: ChildProcess): Promise<{ code: number | null; out: string }> {
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
}

function stopGroup(child: ChildProcess): void {
  if (child.pid !== undefined && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

test('"Your first mail, in a minute" works as written: the watcher prints the swaks mail', async (t) => {
  const commands = shellCommands('Your first mail, in a minute');
  const serve = commands.find((c) => c.includes('npm start'));
  const userAdd = commands.find((c) => c.includes('user add'));
  const watch = commands.find((c) => c.includes('examples/watch.ts'));
  const swaks = commands.find((c) => c.startsWith('swaks '));
  if (!serve || !userAdd || !watch || !swaks) throw new Error(`README walk-through lost a step: ${JSON.stringify(commands)}`);

  const dataDir = mkdtempSync(join(tmpdir(), 'eas-push-readme-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = { ...process.env, EAS_PUSH_DATA_DIR: dataDir, EAS_PUSH_SMTP: '127.0.0.1:0', EAS_PUSH_HTTP: '127.0.0.1:0' };

  // Terminal 1: the server (npm ci has run already: this is its test suite).
  const server = bash(serve.replace(/^npm ci && /, ''), env);
  t.teardown(() => stopGroup(server));
  const serverLines = watchLines(server);
  const listening = await serverLines.waitFor(/"msg":"listening"/);
  const { smtp, http } = JSON.parse(listening) as { smtp: string; http: string };

  // Terminal 2: the account, then the watcher (pointed at the port this test got).
  const added = await finished(bash(userAdd, env));
  t.is(added.code, 0, added.out);
  const watcher = bash(`${watch} --url http://${http}`, env);
  t.teardown(() => stopGroup(watcher));
  const watched = watchLines(watcher);
  await watched.waitFor(/^Waiting for new mail/);

  // Terminal 3: swaks, answered as the README shows.
  const sent = await finished(bash(swaks.replace('127.0.0.1:2525', smtp), env));
  t.is(sent.code, 0, sent.out);
  t.regex(sent.out, /<-  250 2\.6\.0 Delivered/);
  const line = await watched.waitFor(/Subject: hello from swaks/);
  t.regex(line, /From: bob@example\.org/);
  t.regex(line, /push latency \d+ ms/);
});
