// The process behind bench/ping-load.ts: sends the Pings it is told to park, each on a socket
// of its own, and on `settle` reports how they ended once all have.

import type { FromChild, LoadOutcome, ToChild } from './ping-load.js';
import { sendPing, type PingAnswer } from './ping-client.js';

const answers: Promise<PingAnswer>[] = [];

const reply = (msg: FromChild): void => {
  process.send!(msg);
};

process.on('message', (msg: ToChild) => {
  if ('park' in msg) {
    for (const p of msg.park) {
      const answer = sendPing(p.port, p.user, p.password, p.deviceId, Buffer.from(p.body, 'base64'), false, undefined, p.localAddress).answer;
      answer.catch(() => undefined);
      answers.push(answer);
    }
    return;
  }
  void Promise.allSettled(answers).then(
    (settled) => {
      const outcome: LoadOutcome = { status1: 0, failures: {} };
      for (const a of settled) {
        const why = a.status === 'rejected' ? String(a.reason) : a.value.status === 1 ? null : `HTTP ${a.value.httpStatus} Status ${a.value.status}`;
        if (why === null) outcome.status1++;
        else outcome.failures[why] = (outcome.failures[why] ?? 0) + 1;
      }
      reply({ outcome });
      process.disconnect();
    },
    (err: unknown) => reply({ error: String(err) }),
  );
});
