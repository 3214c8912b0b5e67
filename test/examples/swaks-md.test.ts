// Every one-liner in examples/swaks.md, run as written (only the ports changed to a test
// server's), must deliver what its text says.

import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { startTestServer } from '../helpers/server.js';
import { mail } from '../helpers/items.js';
import { docProps, textOfNode } from '../../eas/classes/doc/nodes.js';
import { FolderType } from '../../store/types.js';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');
const DOC = join(EXAMPLES, 'swaks.md');

function oneLiners(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks.flatMap((b) => b.split('\n')).filter((l) => l.startsWith('swaks '));
}

function run(command: string, cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', `${command} --timeout 20`], { cwd }, (err, stdout, stderr) => {
      resolve({ code: typeof err?.code === 'number' ? err.code : err ? -1 : 0, output: stdout + stderr });
    });
  });
}

test('each swaks one-liner delivers: SMTP, LMTP, attachment, several recipients, HTML, an invitation and its cancellation', async (t) => {
  const server = await startTestServer({ lmtp: true });
  t.teardown(() => server.stop());
  const alice = await server.addUser('alice@example.com', 'a');
  const bob = await server.addUser('bob@example.com', 'b');
  const cwd = mkdtempSync(join(tmpdir(), 'eas-push-swaks-'));
  t.teardown(() => rmSync(cwd, { recursive: true, force: true }));
  writeFileSync(join(cwd, 'report.pdf'), '%PDF-1.4 a tiny test file\n');
  // The invitation commands name the repository's example files, run from its folder.
  mkdirSync(join(cwd, 'examples'));
  for (const f of ['invitation.ics', 'cancellation.ics']) copyFileSync(join(EXAMPLES, f), join(cwd, 'examples', f));

  const commands = oneLiners(readFileSync(DOC, 'utf8'));
  t.is(commands.length, 7);
  for (const command of commands) {
    const local = command.replace('127.0.0.1:2525', `127.0.0.1:${server.smtpPort}`).replace('127.0.0.1:2424', `127.0.0.1:${server.lmtpPort}`);
    t.not(local, command, `${command} names neither the SMTP nor the LMTP port`);
    const { code, output } = await run(local, cwd);
    t.is(code, 0, `${command}\n${output}`);
  }

  const inboxOf = async (accountId: number) => {
    const inbox = await server.store.folderByType(accountId, 2);
    return (await server.store.listItems(accountId, inbox!.id, 100)).map((i) => mail(i));
  };
  const items = await inboxOf(alice.id);
  const bySubject = new Map(items.map((i) => [i.summary.subject, i]));
  t.deepEqual([...bySubject.keys()].sort(), ['Canceled: Planning', 'Invitation: Planning', 'hello from swaks', 'hello over LMTP', 'in HTML', 'the report', 'to both of you']);
  // Both were taken as meeting mail (their iMIP part read), not as plain mail.
  t.truthy(bySubject.get('Invitation: Planning')?.meeting);
  t.truthy(bySubject.get('Canceled: Planning')?.meeting);
  // One event on Alice's calendar, placed by the invitation and cancelled by its organiser
  // (MS-ASCAL MeetingStatus 7: a received meeting, cancelled).
  const calendar = await server.store.folderByType(alice.id, FolderType.Calendar);
  const events = (await server.store.listItems(alice.id, calendar!.id, 100)).map((i) => (i.kind === 'doc' ? docProps(i.data) : []));
  t.is(events.length, 1);
  t.is(textOfNode(events[0], 'Calendar:Subject'), 'Planning');
  t.is(textOfNode(events[0], 'Calendar:MeetingStatus'), '7');
  t.deepEqual(bySubject.get('the report')?.attachments.map((a) => [a.fileName, a.contentType]), [['report.pdf', 'application/pdf']]);
  const html = await server.store.getBody(alice.id, bySubject.get('in HTML')!.id);
  t.regex(html?.html ?? '', /<b>HTML<\/b>/);
  t.is(html?.text?.trim(), 'Hello in plain text');
  t.deepEqual((await inboxOf(bob.id)).map((i) => i.summary.subject), ['to both of you']);
});
