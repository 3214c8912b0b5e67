// Benchmark (not a test): a meeting invitation's way from the end of SMTP DATA to the answer of
// a Ping parked on the invitee's Calendar, with K other Pings parked (README "Meetings by mail").
// Goal: p99 ≤ 5 ms with 1,000 others parked.
//
//   npm run bench -- invite [--parked 1000] [--rounds 1000] [--warmup 1000]
//
// A separate `eas-push serve` process (default --calendar-invitations sender-match), as
// bench/push.ts runs it. Each round: the measured phone Pings its Calendar (never synced, so only
// what lands while it is parked counts: docs/push.md rule 2) → park → one RFC 6047 invitation
// (a new UID each round, multipart/alternative with an Olson VTIMEZONE, attendees, an alarm)
// over a REUSED SMTP connection from its ORGANIZER → Status 2 naming the Calendar. The time
// includes the MIME parse, reading the iTIP message, the importer's mapping and the Calendar
// class's toDoc, and the one commit that writes mail and event. Between two invitation rounds a
// plain 4 KB message wakes the same phone's Inbox Ping: the second row says what this machine
// gives any delivery at that moment, so the invitation's own cost is the difference.
//
// The K others are held by a load process of their own (bench/ping-load.ts), as in
// bench/push.ts. They are parked first, and 1,000 warm-up rounds (2,000 deliveries) follow
// before the measured ones, for the reasons given there: V8 compiles these paths for about that
// long, and parking many connections makes it recompile the HTTP and stream paths.

import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { databasePath } from '../bin/data-dir.js';
import { encode } from '../eas/wbxml/index.js';
import { el } from '../eas/wbxml/tree.js';
import { FolderType, openStore } from '../store/index.js';
import { machine, numberOptions, percentile, printTable } from './bench-util.js';
import { describeFloor, machineFloor } from './calibrate.js';
import { cpuTicks, startServer, waitIdle } from './push-server.js';
import { sampleMessage } from './sample-mail.js';
import { SmtpConnection, toWire } from './smtp-client.js';
import { openFileLimit, parkWatch, sendPing } from './ping-client.js';
import { startPingLoad, type LoadPing } from './ping-load.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');
const PASSWORD = 'bench-password';
const HEARTBEAT = 3540;
const DEVICES_PER_ACCOUNT = 50;
const INVITEE = 'invitee@bench.test';
const ORGANIZER = 'organizer@bench.test';



function pingBody(folderId: number, cls: string): Buffer {
  return encode(
    el('Ping:Ping', [
      el('Ping:HeartbeatInterval', HEARTBEAT),
      el('Ping:Folders', [el('Ping:Folder', [el('Ping:Id', String(folderId)), el('Ping:Class', cls)])]),
    ]),
  );
}


/** An invitation as calendar clients send it; `i` makes its UID (and title) new. */
export function invitation(i: number): string {
  const day = String(1 + (((i % 28) + 28) % 28)).padStart(2, '0');
  return `From: Organizer <${ORGANIZER}>
To: Invitee <${INVITEE}>
Subject: Invitation: Planning ${i}
Date: Mon, 07 Jan 2030 08:00:00 +0000
Message-ID: <invite-${i}@bench.test>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b-${i}"

--b-${i}
Content-Type: text/plain; charset=utf-8

Planning ${i}, 2030-02-${day} 10:00-11:00 Europe/Berlin.

--b-${i}
Content-Type: text/calendar; charset=utf-8; method=REQUEST

BEGIN:VCALENDAR
PRODID:-//eas-push//bench//EN
VERSION:2.0
METHOD:REQUEST
BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
UID:bench-${i}@bench.test
SEQUENCE:0
DTSTAMP:20300107T080000Z
DTSTART;TZID=Europe/Berlin:203002${day}T100000
DTEND;TZID=Europe/Berlin:203002${day}T110000
SUMMARY:Planning ${i}
LOCATION:Room 4
DESCRIPTION:Quarterly planning.
ORGANIZER;CN=Organizer:mailto:${ORGANIZER}
ATTENDEE;CN=Invitee;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${INVITEE}
ATTENDEE;CN=Other;ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:other@bench.test
BEGIN:VALARM
ACTION:DISPLAY
TRIGGER:-PT15M
DESCRIPTION:Reminder
END:VALARM
END:VEVENT
END:VCALENDAR

--b-${i}--
`;
}


/**
 * The server's own share of the last `rounds` rounds of each kind, from its log: the delivery's
 * parse + plan + commit (plugin/deliver.ts `ms`), and that plus the commit → answer of the
 * phone's Ping it woke (eas/push `commitToAnswerMs`; that answer is logged before the delivery's
 * own line, docs/push.md rule 4). What the end-to-end time has beyond the second is the network
 * both ways and the two processes' wake-ups, which the machine's floor shows.
 */
export function serverShare(log: string, rounds: number) {
  const shares = { invitation: { delivery: [] as number[], answered: [] as number[] }, plain: { delivery: [] as number[], answered: [] as number[] } };
  const commitToAnswer: number[] = [];
  let answer: number | null = null;
  for (const line of log.split('\n')) {
    if (line.includes('"device":"BenchPhone"') && line.includes('parked request ended')) {
      const ms = (JSON.parse(line) as { commitToAnswerMs: number | null }).commitToAnswerMs;
      answer = typeof ms === 'number' ? ms : null;
      if (answer !== null) commitToAnswer.push(answer);
    } else if (line.includes('"msg":"delivered"') && line.includes('"recipients":["' + INVITEE + '"]')) {
      const d = JSON.parse(line) as { ms: number; meetings?: number };
      const kind = d.meetings ? shares.invitation : shares.plain;
      kind.delivery.push(d.ms);
      if (answer !== null) kind.answered.push(d.ms + answer);
      answer = null;
    }
  }
  const last = (xs: number[]) => xs.slice(-rounds).sort((a, b) => a - b);
  return {
    invitation: { delivery: last(shares.invitation.delivery), answered: last(shares.invitation.answered) },
    plain: { delivery: last(shares.plain.delivery), answered: last(shares.plain.answered) },
    // Both kinds' Pings.
    commitToAnswer: commitToAnswer.slice(-2 * rounds).sort((a, b) => a - b),
  };
}

async function measure(opts: { parked: number; rounds: number; warmup: number }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-bench-invite-'));
  const store = openStore(databasePath(dir));
  const invitee = await store.createAccount(INVITEE, PASSWORD);
  const calendar = (await store.folderByType(invitee.id, FolderType.Calendar))!.id;
  const load: { user: string; inbox: number }[] = [];
  for (let a = 0; a < Math.ceil(opts.parked / DEVICES_PER_ACCOUNT); a++) {
    const acc = await store.createAccount(`load${a}@bench.test`, PASSWORD);
    load.push({ user: acc.address, inbox: (await store.folderByType(acc.id, FolderType.Inbox))!.id });
  }
  await store.close();

  const server = await startServer(ROOT, dir, ['--heartbeat-max', String(HEARTBEAT)]);
  const others = startPingLoad();
  const smtp = await SmtpConnection.open('127.0.0.1', server.smtpPort);
  const phoneAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const watch = openStore(databasePath(dir));
  const phoneParked = parkWatch(watch, invitee.id, 'BenchPhone');
  // The same phone's Inbox, for the plain-mail rounds run in between (one machine, one moment).
  const inbox = (await watch.folderByType(invitee.id, FolderType.Inbox))!.id;
  const KINDS = {
    invitation: { folder: calendar, body: pingBody(calendar, 'Calendar'), message: (i: number) => invitation(i), from: ORGANIZER },
    plain: { folder: inbox, body: pingBody(inbox, 'Email'), message: (i: number) => sampleMessage('4k', i, INVITEE), from: 'sender@bench.test' },
  };

  const round = async (i: number, kind: keyof typeof KINDS = 'invitation'): Promise<number> => {
    const { folder, body, message, from } = KINDS[kind];
    let sent!: () => void;
    const requestSent = new Promise<void>((r) => (sent = r));
    const ping = sendPing(server.httpPort, INVITEE, PASSWORD, 'BenchPhone', body, phoneAgent, sent).answer;
    const wire = toWire(message(i));
    await smtp.startData(from, INVITEE);
    await requestSent;
    await phoneParked();
    const { dataEnd, reply } = smtp.endData(wire);
    const final = await reply;
    if (final.code !== 250) throw new Error(`delivery refused: ${final.code} ${final.text}`);
    // An invitation delivered as plain mail never wakes the Calendar: fail, do not wait an hour.
    let timer: NodeJS.Timeout | undefined;
    const answer = await Promise.race([
      ping,
      new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(`round ${i}: the ${kind} Ping was not answered (see ${server.logFile})`)), 5_000))),
    ]).finally(() => clearTimeout(timer));
    if (answer.status !== 2 || answer.folders[0] !== String(folder)) {
      throw new Error(`round ${i}: Ping answered HTTP ${answer.httpStatus} Status ${answer.status} ${answer.folders.join(',')}`);
    }
    return answer.end - dataEnd;
  };

  let ok = false;
  try {
    const parkedNow = async (): Promise<number> => (await watch.listDevices()).filter((d) => d.pingHeartbeat === HEARTBEAT && d.deviceId.startsWith('Load')).length;
    let batch: LoadPing[] = [];
    for (let i = 0; i < opts.parked; i++) {
      const acc = load[Math.floor(i / DEVICES_PER_ACCOUNT)]!;
      batch.push({ port: server.httpPort, user: acc.user, password: PASSWORD, deviceId: `Load${i}`, body: pingBody(acc.inbox, 'Email') });
      if (i % 250 === 249 || i === opts.parked - 1) {
        others.park(batch);
        batch = [];
        const deadline = Date.now() + 60_000;
        while (await parkedNow() < i + 1) {
          if (Date.now() > deadline) throw new Error(`only ${await parkedNow()} of ${i + 1} other Pings parked after 60 s`);
          await delay(20);
        }
      }
    }
    for (let i = 0; i < opts.warmup; i++) {
      await round(-1 - i);
      await round(-1 - i, 'plain');
    }
    await waitIdle(server.pid);

    const latencies: number[] = [];
    const plain: number[] = [];
    const ticksBefore = cpuTicks(server.pid);
    for (let i = 0; i < opts.rounds; i++) {
      latencies.push(await round(i));
      plain.push(await round(i, 'plain'));
    }
    const serverCpuMs = ((cpuTicks(server.pid) - ticksBefore) * 10) / opts.rounds;
    latencies.sort((a, b) => a - b);
    plain.sort((a, b) => a - b);
    const own = serverShare(readFileSync(server.logFile, 'utf8'), opts.rounds);
    const f = (n: number): string => n.toFixed(2);
    console.log(`invite benchmark: ${opts.rounds} rounds after ${opts.warmup} warm-up, ${opts.parked} other Pings parked, node ${process.version}, ${machine()}`);
    const row = (what: string, xs: number[], server: string[], goal: string) =>
      [what, String(opts.parked), f(percentile(xs, 50)), f(percentile(xs, 90)), f(percentile(xs, 99)), f(xs[xs.length - 1] ?? NaN), ...server, goal];
    const pair = (xs: number[]) => `${f(percentile(xs, 50))} / ${f(percentile(xs, 99))}`;
    printTable(
      ['message → Ping', 'other Pings parked', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'server parse+plan+commit p50 / p99 ms', 'server parse → Ping answered p50 / p99 ms', 'goal p99'],
      [
        row('invitation → Calendar', latencies, [pair(own.invitation.delivery), pair(own.invitation.answered)], '≤ 5 ms'),
        row('plain 4 KB mail → Inbox (rounds in between)', plain, [pair(own.plain.delivery), pair(own.plain.answered)], ''),
      ],
    );
    console.log(`server commit→answer p99 of the phone's Pings: ${f(percentile(own.commitToAnswer, 99))} ms`);
    console.log(`server CPU (all its threads) per measured round of an invitation and a plain mail, Pings included: ${f(serverCpuMs)} ms`);
    ok = true;
  } finally {
    await watch.close();
    await smtp.quit();
    phoneAgent.destroy();
    await server.stop();
    // The others are answered at SIGTERM; how is bench/push.ts's business, not this one's.
    await others.settle().catch(() => undefined);
    others.close();
    // A failed run keeps its data dir and server log for a look.
    if (ok && !process.env["BENCH_KEEP"]) rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(argv: string[] = []): Promise<void> {
  const opts = numberOptions(argv, { parked: 1000, rounds: 1000, warmup: 1000 });
  // One socket per parked Ping: below the limit, run again in a shell that raises it first.
  if (openFileLimit() < opts.parked + 512 && !process.env.EAS_PUSH_BENCH_RAISED) {
    await new Promise<void>((done, fail) => {
      const child = spawn('bash', ['-c', 'ulimit -n "$(ulimit -Hn)" && exec "$0" "$@"', process.execPath, '--import', 'tsx', fileURLToPath(import.meta.url), ...argv], {
        stdio: 'inherit',
        env: { ...process.env, EAS_PUSH_BENCH_RAISED: '1' },
      });
      child.once('error', fail);
      child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`bench/invite.ts exited with ${code}`))));
    });
    return;
  }
  if (openFileLimit() < opts.parked + 512) throw new Error(`open-file limit ${openFileLimit()} is below ${opts.parked + 512}`);
  console.log(describeFloor(await machineFloor()));
  await measure(opts);
  console.log(describeFloor(await machineFloor()));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  run(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
