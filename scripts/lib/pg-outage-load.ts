// SMTP senders kept open across a PostgreSQL outage (issue #17: "PostgreSQL restarted during
// deliveries: senders get 4xx, never a lost 250"), as an MTA holds its connections: each sends
// message after message on one connection and files every answer by the phase the caller says
// the database is in. A 4xx is a deferral (the MTA would try again later: a short pause, then
// the next message); a 5xx or a connection the node closes is what a sender must never see.
//
// What a message's answer promises, checked by deliveryFailures() against the Inboxes:
// - 250: stored, exactly once for every recipient;
// - 4xx at RCPT TO (the recipient lookup failed): nothing was sent, so nothing stored;
// - 4xx after DATA, or no answer: in doubt (the commit may have happened just before the
//   database went away), so 0 or 1 copies, the same for every recipient, never half.

import { openSession, dataPayload, type RawSmtp, type SmtpReply } from './raw-smtp.js';

export type Phase = 'before' | 'outage' | 'after';

export interface SenderTally {
  name: string;
  /** Subject (tag) → the phase its 250 came in. */
  acked: Map<string, Phase>;
  /** 4xx after DATA (or no answer): in doubt. */
  deferred: Set<string>;
  /** 4xx before DATA: never sent. */
  refused: Set<string>;
  /** 4xx answers by phase. */
  tempFailures: Record<Phase, number>;
  /** What no sender may see: 5xx answers, the connection closed by the node. */
  problems: string[];
}

export interface OutageLoad {
  senders: SenderTally[];
  /** The phase the caller says the database is in; every answer is filed under it. */
  phase: Phase;
  /** Ends every sender after its current message; resolves once all are done. */
  stop(): Promise<void>;
}

/** Checks `cond` every 10 ms until it holds; throws, naming `what`, once `ms` have passed. */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** 250s per sender that came while the database was in `phase`. */
export function ackedIn(load: OutageLoad, phase: Phase): number[] {
  return load.senders.map((s) => [...s.acked.values()].filter((p) => p === phase).length);
}

/** An MTA's "try again later", shortened: keeps an outage from being a busy loop. */
const PAUSE_AFTER_4XX_MS = 20;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface OutageLoadOptions {
  port: number;
  connections: number;
  recipients: string[];
  message(tag: string): string;
  /** Tags are PREFIX-cN-I. */
  prefix: string;
}

export async function startOutageLoad(options: OutageLoadOptions): Promise<OutageLoad> {
  let stopped = false;
  const load: OutageLoad = { senders: [], phase: 'before', stop: async () => {} };
  const sessions = await Promise.all(Array.from({ length: options.connections }, () => openSession(options.port)));
  const runs = sessions.map((smtp, c) => {
    const tally: SenderTally = {
      name: `${options.prefix}-c${c}`,
      acked: new Map(),
      deferred: new Set(),
      refused: new Set(),
      tempFailures: { before: 0, outage: 0, after: 0 },
      problems: [],
    };
    load.senders.push(tally);
    return send(smtp, tally);
  });

  /** One reply: true to go on with this message. */
  function file(tally: SenderTally, tag: string, step: string, reply: SmtpReply): 'ok' | 'temp' | 'stop' {
    if (reply.code >= 200 && reply.code < 400) return 'ok';
    if (reply.code >= 400 && reply.code < 500) {
      tally.tempFailures[load.phase]++;
      return 'temp';
    }
    tally.problems.push(`${tag}: ${step} answered ${reply.code} ${reply.lines.join(' ')} (database ${load.phase})`);
    return 'stop';
  }

  async function send(smtp: RawSmtp, tally: SenderTally): Promise<void> {
    try {
      for (let i = 0; !stopped; i++) {
        const tag = `${tally.name}-${i}`;
        const mail = file(tally, tag, 'MAIL FROM', await smtp.command('MAIL FROM:<load@example.org>'));
        if (mail === 'stop') return;
        let rcpt: 'ok' | 'temp' | 'stop' = mail;
        for (const to of options.recipients) {
          if (rcpt !== 'ok') break;
          rcpt = file(tally, tag, 'RCPT TO', await smtp.command(`RCPT TO:<${to}>`));
        }
        if (rcpt === 'stop') return;
        if (rcpt === 'temp') {
          // Not all recipients taken: the MTA sends nothing now and tries the whole message later.
          tally.refused.add(tag);
          await smtp.command('RSET');
          await pause(PAUSE_AFTER_4XX_MS);
          continue;
        }
        const data = file(tally, tag, 'DATA', await smtp.command('DATA'));
        if (data === 'stop') return;
        if (data === 'temp') {
          tally.refused.add(tag);
          await pause(PAUSE_AFTER_4XX_MS);
          continue;
        }
        tally.deferred.add(tag);
        smtp.write(dataPayload(options.message(tag)));
        const reply = await smtp.reply();
        const outcome = file(tally, tag, 'end of DATA', reply);
        if (outcome === 'stop') return;
        if (outcome === 'ok') {
          tally.deferred.delete(tag);
          tally.acked.set(tag, load.phase);
        } else await pause(PAUSE_AFTER_4XX_MS);
      }
      await smtp.command('QUIT').catch(() => {});
    } catch (err) {
      tally.problems.push(`connection closed by the node (database ${load.phase}): ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      smtp.close();
    }
  }

  load.stop = async () => {
    stopped = true;
    await Promise.all(runs);
  };
  return load;
}

/** What the Inboxes (Subject → copies, one map per recipient) say against what the senders of `loads` were told: every message of the Inboxes must be one of theirs. */
export function deliveryFailures(loads: OutageLoad[], recipients: string[], counts: Map<string, number>[]): string[] {
  const failures: string[] = [];
  const known = new Set<string>();
  const copies = (tag: string) => counts.map((c) => c.get(tag) ?? 0);
  for (const s of loads.flatMap((l) => l.senders)) {
    failures.push(...s.problems.map((p) => `${s.name}: ${p}`));
    for (const [tag, phase] of s.acked) {
      known.add(tag);
      copies(tag).forEach((n, i) => {
        if (n !== 1) failures.push(`${tag} got a 250 (database ${phase}) but is in ${recipients[i]}'s Inbox ${n} times`);
      });
    }
    for (const tag of s.deferred) {
      known.add(tag);
      const n = copies(tag);
      if (n.some((x) => x !== n[0]) || (n[0] ?? 0) > 1) failures.push(`${tag} in doubt: ${n.join('/')} copies (must be all 0 or all 1)`);
    }
    for (const tag of s.refused) {
      const n = copies(tag);
      if (n.some((x) => x > 0)) failures.push(`${tag} was refused before DATA yet is stored: ${n.join('/')} copies`);
    }
  }
  for (const c of counts) {
    for (const [subject, n] of c) if (!known.has(subject)) failures.push(`unexpected message ${subject} (${n})`);
  }
  return failures;
}
