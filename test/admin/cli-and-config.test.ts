// The console's command line (docs/admin.md §1): the admin flag set by `user add --admin` and
// `user set --admin|--no-admin`, `serve --admin` parsed, and the network rule applied to it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { parseOptions } from '../../bin/cli/options.js';
import { SERVE_OPTIONS, serveOptions } from '../../bin/cli/serve-options.js';
import { PlainHttpRefused } from '../../bin/plain-http.js';
import { createServer } from '../../bin/server.js';
import { openStore } from '../../store/index.js';
import { runCli as cli } from '../helpers/cli.js';


function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-admin-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('user add --admin and user set --admin / --no-admin set the flag the console reads', async (t) => {
  const dir = tempDir(t);
  const d = ['--data-dir', dir];
  t.like(await cli(['user', 'add', 'root@example.com', '--password', 'pw', '--admin', ...d]), { code: 0, stdout: 'added root@example.com (admin)\n' });
  t.like(await cli(['user', 'add', 'alice@example.com', '--password', 'pw', ...d]), { code: 0, stdout: 'added alice@example.com\n' });
  const flags = async (): Promise<Record<string, boolean>> => {
    const store = openStore(join(dir, 'eas-push.sqlite'));
    try {
      return Object.fromEntries(await Promise.all((await store.listAccounts()).map(async (a) => [a.address, await store.isAdmin(a.id)])));
    } finally {
      await store.close();
    }
  };
  t.deepEqual(await flags(), { 'alice@example.com': false, 'root@example.com': true });
  t.like(await cli(['user', 'set', 'Alice@Example.com', '--admin', ...d]), { code: 0 });
  t.like(await cli(['user', 'set', 'root@example.com', '--no-admin', ...d]), { code: 0 });
  t.deepEqual(await flags(), { 'alice@example.com': true, 'root@example.com': false });

  const both = await cli(['user', 'set', 'alice@example.com', '--admin', '--no-admin', ...d]);
  t.not(both.code, 0);
  t.regex(both.stderr, /--admin or --no-admin, not both/);
  const nobody = await cli(['user', 'set', 'nobody@example.com', '--admin', ...d]);
  t.not(nobody.code, 0);
  t.regex(nobody.stderr, /no account nobody@example.com/);
});

test('serve --admin is parsed, and plain HTTP on a network address is refused for it as for EAS', async (t) => {
  const { values } = parseOptions(['--admin', '127.0.0.1:8081'], SERVE_OPTIONS, {}, 'serve');
  t.deepEqual(serveOptions(values).admin, { host: '127.0.0.1', port: 8081 });
  t.is(serveOptions(parseOptions([], SERVE_OPTIONS, {}, 'serve').values).admin, undefined, 'off by default');

  const dir = tempDir(t);
  const loopback = { host: '127.0.0.1', port: 0 };
  const err = await t.throwsAsync(createServer({ dataDir: dir, smtp: loopback, http: loopback, admin: { host: '0.0.0.0', port: 0 } }));
  t.true(err instanceof PlainHttpRefused, String(err));
  t.regex(err!.message, /refusing plain HTTP on 0\.0\.0\.0/);
});
