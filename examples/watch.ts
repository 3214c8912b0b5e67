// Watch an eas-push mailbox the way a phone does, and print each new mail, and each event that
// lands on the calendar, the moment it is pushed. The ten-second proof that push works:
//
//   terminal 1:  npx tsx examples/watch.ts --user alice@example.com --password secret
//   terminal 2:  swaks --server 127.0.0.1:2525 --to alice@example.com --header 'Subject: hello'
//
// It logs in, provisions if the server asks, FolderSyncs, syncs the Inbox (prints the latest
// subjects) and the Calendar, then parks one Ping on both. When something lands the server
// answers the Ping at once; we Sync the folders it names, print each new mail (From, Subject,
// latency) and each new or changed event (an invitation by mail puts one there: README
// "Meetings by mail"; examples/swaks.md sends one), and park the next Ping. Forever, until
// Ctrl-C. The client code is examples/watch/eas-client.ts: no test helpers, only the project's
// WBXML codec.
//
// Latency is measured from the message's DateReceived (MS-ASEMAIL 2.2.2.24: when it reached
// the mailbox; eas-push sends the delivery commit time in milliseconds) to the moment the line
// is printed: delivery → Ping answered → Sync → print. It assumes the server's clock agrees
// with this machine's (the same machine in the quick start). An event has no such date: its
// line comes from the same Ping answer as the invitation's mail.

import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { EasClient, EasError, eventReader, mailReader, type EventSummary, type MailSummary } from './watch/eas-client.js';

const USAGE = `Usage: npx tsx examples/watch.ts --user ADDRESS --password PW [options]

  --user ADDRESS     the account (as added with: eas-push user add ADDRESS --password PW)
  --password PW      its password (or set EAS_PASSWORD)
  --url URL          server base URL (default http://127.0.0.1:8080)
  --heartbeat S      seconds a Ping waits when nothing arrives (default 300)
  --show N           how many of the latest subjects to print at start (default 5)
  --insecure         accept a self-signed https certificate
  --device-id ID     device id to register as (default derived from the user)
`;

interface Options {
  url: string;
  user: string;
  password: string;
  heartbeat: number;
  show: number;
  insecure: boolean;
  deviceId: string;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      user: { type: 'string' },
      password: { type: 'string' },
      url: { type: 'string', default: 'http://127.0.0.1:8080' },
      heartbeat: { type: 'string', default: '300' },
      show: { type: 'string', default: '5' },
      insecure: { type: 'boolean', default: false },
      'device-id': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const password = values.password ?? process.env.EAS_PASSWORD;
  if (!values.user || password === undefined) throw new EasError(`--user and --password are required\n\n${USAGE}`);
  const heartbeat = Number(values.heartbeat);
  const show = Number(values.show);
  if (!Number.isInteger(heartbeat) || heartbeat < 1 || heartbeat > 3540) throw new EasError('--heartbeat takes seconds between 1 and 3540');
  if (!Number.isInteger(show) || show < 0) throw new EasError('--show takes a whole number');
  // Stable per user, so restarting the watcher reuses its device record on the server.
  const deviceId = values['device-id'] ?? `watch${createHash('sha256').update(values.user.toLowerCase()).digest('hex').slice(0, 16)}`;
  return { url: values.url, user: values.user, password, heartbeat, show, insecure: values.insecure, deviceId };
}

function clock(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

function latency(mail: MailSummary, now: Date): string {
  const dated = Date.parse(mail.dateReceived);
  if (Number.isNaN(dated)) return 'no date';
  const ms = now.getTime() - dated;
  // Mail moved in from elsewhere, or clocks that disagree: no latency to speak of.
  if (ms < -1000 || ms > 10 * 60_000) return `received ${mail.dateReceived}`;
  return `push latency ${Math.max(0, ms)} ms`;
}

function printNew(mail: MailSummary): void {
  const now = new Date();
  process.stdout.write(`[${clock(now)}] NEW  From: ${mail.from || '(none)'}  Subject: ${mail.subject || '(none)'}  (${latency(mail, now)})\n`);
}

/** Calendar:StartTime's compact UTC (20300115T140000Z) as 2030-01-15 14:00 UTC. */
function when(compact: string): string {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)\d\dZ$/.exec(compact);
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]} UTC` : compact || '(no time)';
}

function printEvent(event: EventSummary, what: 'EVENT' | 'EVENT CHANGED'): void {
  const place = event.location ? `  Location: ${event.location}` : '';
  const organizer = event.organizer ? `  Organizer: ${event.organizer}` : '';
  const cancelled = event.cancelled ? '  (cancelled)' : '';
  process.stdout.write(`[${clock(new Date())}] ${what}  Subject: ${event.subject || '(none)'}  Starts: ${when(event.startTime)}${place}${organizer}${cancelled}\n`);
}

function printLatest(mails: MailSummary[], show: number): void {
  const latest = [...mails].sort((a, b) => Date.parse(b.dateReceived) - Date.parse(a.dateReceived)).slice(0, show);
  process.stdout.write(`Inbox: ${mails.length} message${mails.length === 1 ? '' : 's'} in the last two weeks${latest.length ? '; latest:' : ''}\n`);
  for (const m of latest) process.stdout.write(`  ${m.dateReceived}  ${m.from}  ${m.subject}\n`);
}

/** Resolves after `ms`, or at once when the signal fires. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/** A followed folder: its server id and where its Sync stands. */
interface Followed {
  id: string;
  key: string;
}

/** FolderSync, then the Inbox and the Calendar from SyncKey 0: what a folder list change redoes. */
async function follow(client: EasClient, signal: AbortSignal): Promise<{ inbox: Followed; calendar: Followed | null; mails: MailSummary[] }> {
  const folders = await client.folders(signal);
  const inbox = await client.sync(folders.inbox, '0', mailReader, signal);
  // The calendar's events so far are its state, not news: only what lands from here is printed.
  const calendar = folders.calendar === null ? null : { id: folders.calendar, key: (await client.sync(folders.calendar, '0', eventReader, signal)).syncKey };
  return { inbox: { id: folders.inbox, key: inbox.syncKey }, calendar, mails: inbox.added };
}

async function watch(opts: Options, signal: AbortSignal): Promise<void> {
  const client = new EasClient({ url: opts.url, user: opts.user, password: opts.password, deviceId: opts.deviceId, insecure: opts.insecure });
  process.stdout.write(`Watching ${opts.user} at ${opts.url} (device ${opts.deviceId})\n`);
  let followed = await follow(client, signal);
  printLatest(followed.mails, opts.show);

  let heartbeat = opts.heartbeat;
  let backoff = 1;
  process.stdout.write(`Waiting for new mail${followed.calendar ? ' and events' : ''} (Ping, heartbeat ${heartbeat} s). Ctrl-C to stop.\n`);
  while (!signal.aborted) {
    try {
      const { inbox, calendar } = followed;
      const watched = [{ id: inbox.id, pingClass: mailReader.pingClass }, ...(calendar ? [{ id: calendar.id, pingClass: eventReader.pingClass }] : [])];
      const result = await client.ping(watched, heartbeat, signal);
      backoff = 1;
      if (result.kind === 'changes') {
        if (result.folderIds.includes(inbox.id)) {
          const round = await client.sync(inbox.id, inbox.key, mailReader, signal);
          inbox.key = round.syncKey;
          for (const mail of round.added) printNew(mail);
        }
        if (calendar && result.folderIds.includes(calendar.id)) {
          const round = await client.sync(calendar.id, calendar.key, eventReader, signal);
          calendar.key = round.syncKey;
          for (const event of round.added) printEvent(event, 'EVENT');
          for (const event of round.changed) printEvent(event, 'EVENT CHANGED');
        }
      } else if (result.kind === 'heartbeat') {
        process.stdout.write(`The server wants a heartbeat of ${result.seconds} s; using it.\n`);
        heartbeat = result.seconds;
      } else if (result.kind === 'resync') {
        // The folder list changed under us: find the folders again, without reprinting them.
        followed = await follow(client, signal);
      }
      // 'expired': nothing arrived during the heartbeat; park the next Ping.
    } catch (err) {
      if (signal.aborted) break;
      if (err instanceof EasError && err.status === 401) throw err;
      // The server restarted, the network dropped, a proxy cut the long poll: try again.
      const wait = err instanceof EasError && err.retryAfter !== undefined ? err.retryAfter : backoff;
      process.stdout.write(`${err instanceof Error ? err.message : String(err)}; retrying in ${wait} s\n`);
      await pause(wait * 1000, signal);
      backoff = Math.min(backoff * 2, 60);
    }
  }
}

async function main(): Promise<number> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await watch(parseOptions(process.argv.slice(2)), controller.signal);
    process.stdout.write('Stopped.\n');
    return 0;
  } catch (err) {
    if (controller.signal.aborted) {
      process.stdout.write('Stopped.\n');
      return 0;
    }
    process.stderr.write(`watch: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

process.exitCode = await main();
