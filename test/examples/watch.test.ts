// examples/watch.ts against a real server: it lists the Inbox, parks a Ping, and prints a mail
// sent with swaks the moment it is pushed, and the event an invitation puts on the calendar;
// Ctrl-C ends it cleanly.

import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { createLogger } from '../../bin/logger.js';
import { startTestServer } from '../helpers/server.js';
import { sendMail } from '../helpers/swaks.js';
import { watchLines } from './lines.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function startWatch(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'examples', 'watch.ts'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { child, lines: watchLines(child) };
}

/** A server log that resolves `expired` when a parked Ping reaches the end of its heartbeat. */
function expiryLog() {
  let resolve!: () => void;
  const expired = new Promise<void>((r) => (resolve = r));
  const log = createLogger({
    level: 'info',
    write: (line) => {
      if (/"outcome":"expiry"/.test(line)) resolve();
    },
  });
  return { log, expired };
}

test('prints the latest subjects, then each new mail as it is pushed; Ctrl-C exits 0', async (t) => {
  const { log, expired } = expiryLog();
  const server = await startTestServer({ log });
  t.teardown(() => server.stop());
  await server.addUser('alice@example.com', 'secret');
  const earlier = await sendMail({ port: server.smtpPort, to: 'alice@example.com', subject: 'already there' });
  t.is(earlier.code, 0, earlier.stdout);

  const { child, lines } = startWatch(['--user', 'alice@example.com', '--password', 'secret', '--url', `http://127.0.0.1:${server.httpPort}`, '--heartbeat', '2']);
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  await lines.waitFor(/already there/);
  await lines.waitFor(/^Waiting for new mail/);

  const sent = await sendMail({ port: server.smtpPort, to: 'alice@example.com', from: 'bob@example.org', subject: 'pushed to the watcher' });
  t.is(sent.code, 0, sent.stdout);
  const line = await lines.waitFor(/Subject: pushed to the watcher/);
  t.regex(line, /^\[\d\d:\d\d:\d\d\.\d{3}\] NEW {2}From: bob@example\.org {2}Subject: pushed to the watcher {2}\(push latency \d+ ms\)$/);

  // After a Ping that ended with nothing new (heartbeat 2 s), the next one still gets mail.
  await expired;
  await sendMail({ port: server.smtpPort, to: 'alice@example.com', subject: 'after a heartbeat' });
  await lines.waitFor(/Subject: after a heartbeat/);

  child.kill('SIGINT');
  t.is(await lines.exited, 0);
  t.regex(lines.output(), /Stopped\.\n$/);
  t.is(lines.output().match(/ NEW /g)?.length, 2, 'each mail printed once');
});

test('an invitation sent with swaks: the mail and the event on the calendar; its cancellation marks the event', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.stop());
  await server.addUser('alice@example.com', 'secret');
  const { child, lines } = startWatch(['--user', 'alice@example.com', '--password', 'secret', '--url', `http://127.0.0.1:${server.httpPort}`]);
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  await lines.waitFor(/^Waiting for new mail and events/);

  // As examples/swaks.md sends them: from the organiser, the text and the text/calendar part.
  const imip = (subject: string, method: string, file: string) =>
    sendMail({
      port: server.smtpPort,
      to: 'alice@example.com',
      from: 'bob@example.org',
      subject,
      args: ['--attach-type', 'text/plain', '--attach-body', 'Planning.', '--attach-type', `text/calendar; method=${method}`, '--attach-body', `@${join(ROOT, 'examples', file)}`],
    });
  t.is((await imip('Invitation: Planning', 'REQUEST', 'invitation.ics')).code, 0);
  t.regex(await lines.waitFor(/ NEW /), /NEW {2}From: bob@example\.org {2}Subject: Invitation: Planning {2}\(push latency \d+ ms\)$/);
  const event = await lines.waitFor(/\] EVENT {2}/);
  t.regex(event, /^\[\d\d:\d\d:\d\d\.\d{3}\] EVENT {2}Subject: Planning {2}Starts: 2030-01-15 14:00 UTC {2}Location: Room 4 {2}Organizer: Bob <bob@example\.org>$/);

  t.is((await imip('Canceled: Planning', 'CANCEL', 'cancellation.ics')).code, 0);
  await lines.waitFor(/Subject: Canceled: Planning/);
  t.regex(await lines.waitFor(/ EVENT CHANGED /), /EVENT CHANGED {2}Subject: Planning {2}Starts: 2030-01-15 14:00 UTC .*\(cancelled\)$/);

  child.kill('SIGINT');
  t.is(await lines.exited, 0);
  t.is(lines.output().match(/\] EVENT {2}/g)?.length, 1, 'the event printed once as new');
  t.is(lines.output().match(/\] EVENT CHANGED {2}/g)?.length, 1, 'and once as changed');
});

test('a wrong password ends it with exit 1 and says so', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.stop());
  await server.addUser('alice@example.com', 'secret');
  const { lines } = startWatch(['--user', 'alice@example.com', '--password', 'wrong', '--url', `http://127.0.0.1:${server.httpPort}`]);
  t.is(await lines.exited, 1);
  t.regex(lines.output(), /refused the user name or password \(HTTP 401\)/);
});
