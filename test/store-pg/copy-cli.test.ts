// `eas-push copy` as a user types it: wrong arguments are usage errors (exit 2) that say what was
// expected, refusals are one line and exit 1, and nothing is written to the target on either.
// The argument checks run through the CLI's main() in this process (the same code the binary
// runs, without a process start per case); the copies run the real CLI as its own process.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { openStore } from '../../store/index.js';
import { runCli } from '../cli/run.js';
import { pgDatabase, pgTest as test } from '../helpers/postgres.js';
import { runCli as cliHere } from '../helpers/cli.js';

async function sqliteStore(t: ExecutionContext): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-copy-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'eas-push.sqlite');
  const store = openStore(file);
  await store.createAccount('alice@example.com', 'alice-password');
  await store.close();
  return file;
}


test('wrong arguments: exit 2 with what copy expects, the target untouched', async (t) => {
  const file = await sqliteStore(t);
  const db = await pgDatabase(t);
  const cases: Array<[string[], RegExp]> = [
    [['copy', '--from', `sqlite:${file}`], /copy needs --to/],
    [['copy', '--to', db.url], /copy needs --from/],
    [['copy', '--from', `sqlite:${file}`, '--to', 'mysql://db.example/mail'], /invalid --to: unknown store "mysql:"/],
    [['copy', '--from', `sqlite:${file}`, '--to', 'postgres://db.example'], /invalid --to: .*names no database/],
    [['copy', '--from', db.url, '--to', `sqlite:${file}.copy`], /from a SQLite store to a PostgreSQL one .*not from postgres to sqlite/],
    [['copy', '--from', `sqlite:${file}`, '--to', `sqlite:${file}.copy`], /not from sqlite to sqlite/],
  ];
  for (const [args, message] of cases) {
    const r = await cliHere(args);
    t.is(r.code, 2, args.join(' '));
    t.regex(r.stderr, message);
    t.is(r.stderr.trim().split('\n').length, 1, 'one line');
  }
  const tables = await db.pool(1).query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'");
  t.is(tables.rows[0].n, 0, 'the target was not even migrated');
});

test('copy --help says the server must be stopped; a second copy into the same database is refused with exit 1', async (t) => {
  const help = await cliHere(['copy', '--help']);
  t.is(help.code, 0);
  t.regex(help.stdout, /Usage: eas-push copy --from sqlite:PATH --to postgres:/);
  t.regex(help.stdout, /server must\s+be stopped/);

  const file = await sqliteStore(t);
  const db = await pgDatabase(t);
  const first = await runCli(['copy', '--from', file, '--to', db.url]);
  t.is(first.code, 0, first.stderr);
  t.regex(first.stdout, /^ {2}accounts +1 rows/m);
  t.regex(first.stdout, /1 account, 0 messages/);
  const second = await runCli(['copy', '--from', file, '--to', db.url]);
  t.is(second.code, 1);
  t.is(second.stderr, 'eas-push: copy: the target database already holds 1 account; copy fills only an empty database and never merges two stores: give it a new database\n');
});
