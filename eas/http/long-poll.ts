// A long poll (Ping, Sync with Wait) parked outside Koa, to keep a parked request small (docs/push.md "a few KB
// per parked Ping"): once the registry holds it, the dispatcher returns with ctx.respond =
// false, so the middleware chain, its async frames, the decoded body, the command context and
// (as handler.ts runs the app, not Koa's callback) the Koa context are all released while the
// socket stays open (docs/push.md rule 11; test/push/parked-collectable.test.ts), and so are the
// headers Node parsed (releaseReadRequest). What is left per request is Node's socket, request
// and response, one HeldAnswer (the response, the log facts, the gzip choice) and the
// registry's waiter. When the registry answers, the response gets exactly the headers, gzip
// and Content-Length of respond.ts.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type Koa from 'koa';
import type { CommandAnswer, LongPollResult } from '../commands/types.js';
import type { EasDeps } from '../deps.js';
import type { Logger } from '../log.js';
import type { ParkOutcome, ParkTicket } from '../push/types.js';
import { isEasHttpError, unexpectedFailure } from './errors.js';
import { acceptsGzip, answerBytes, easAnswer, easAnswerNow, factsOf, logLine, WBXML_TYPE, type RequestFacts } from './respond.js';

/**
 * Parks the poll. Returns the answer to render through Koa now (answered at once, or parking
 * failed), or null when the request is held and will be answered later by this module.
 * EasHttpErrors (503 past the per-account cap) are thrown for respond.ts to render.
 */
export async function holdLongPoll(ctx: Koa.Context, deps: EasDeps, poll: LongPollResult): Promise<CommandAnswer | null> {
  const { push } = deps;
  if (!push.hold) return poll.failed(new Error('this push registry cannot hold long polls'));
  const held = new HeldAnswer(poll.render, deps.log);
  let ticket: ParkTicket;
  try {
    ticket = await push.hold(poll.park, held.receive);
  } catch (err) {
    if (isEasHttpError(err)) throw err;
    return poll.failed(err);
  }
  if (held.early !== null) return await poll.render(held.early);
  held.detach(ctx, ticket);
  return null;
}

/**
 * Lets go of what Node and Koa's helpers keep on a request once it has been read: the header
 * map, the raw header list and parseurl's cache of the parsed URL (req._parsedUrl). Node reads
 * the headers only while it parses the request and builds the response object, both done by now,
 * and the held answer took the few facts it needs in detach(). About 0.8 KB of JS heap per
 * parked request (README "Benchmarks").
 */
function releaseReadRequest(req: IncomingMessage): void {
  req.headers = {};
  req.rawHeaders = [];
  (req as IncomingMessage & { _parsedUrl?: unknown })._parsedUrl = undefined;
}

type Answer = ReturnType<typeof answerBytes>;
type Bytes = { body: Buffer; headers: Record<string, string> };

class HeldAnswer {
  /** The outcome, when the registry answered before the response was taken over. */
  early: ParkOutcome | null = null;
  private readonly render: (outcome: ParkOutcome) => CommandAnswer | Promise<CommandAnswer>;
  private readonly log: Logger;
  private res: ServerResponse | null = null;
  private facts: RequestFacts | null = null;
  private gzipOk = false;
  private ticket: ParkTicket | null = null;

  constructor(render: (outcome: ParkOutcome) => CommandAnswer | Promise<CommandAnswer>, log: Logger) {
    this.render = render;
    this.log = log;
  }

  /** The registry's answer callback (one per request, bound once). */
  readonly receive = (outcome: ParkOutcome): void => {
    if (this.res === null) this.early = outcome;
    else this.write(this.res, outcome);
  };

  /** The client went away while parked: the registry drops the waiter (reason 'disconnect'). */
  private readonly onClose = (): void => {
    if (this.res !== null && !this.res.writableFinished) this.ticket?.cancel();
  };

  /** Takes the response over from Koa; keeps only what the answer and its log line need. */
  detach(ctx: Koa.Context, ticket: ParkTicket): void {
    const facts = factsOf(ctx);
    facts.held = true;
    ctx.respond = false;
    this.facts = facts;
    this.gzipOk = acceptsGzip(ctx);
    this.ticket = ticket;
    this.res = ctx.res;
    this.res.on('close', this.onClose);
    releaseReadRequest(ctx.req);
    // Gone while the command ran: nothing will emit 'close' again.
    if (ctx.req.socket.destroyed) ticket.cancel();
  }

  /**
   * Writes the answer. A Ping's (a command whose render is synchronous, with a body gzipped on
   * this thread if at all) is written at once, inside the registry's wake-up: no promise step
   * lies between the commit's wake-up and the phone's socket. The others go through writeLater.
   */
  private write(res: ServerResponse, outcome: ParkOutcome): void {
    res.off('close', this.onClose);
    this.ticket = null;
    let answer: Answer | Promise<Answer>;
    let bytes: Bytes | null = null;
    try {
      const rendered = this.render(outcome);
      answer = rendered instanceof Promise ? rendered.then(answerBytes) : answerBytes(rendered);
      if (!(answer instanceof Promise)) bytes = easAnswerNow(answer.body, answer.contentType ?? WBXML_TYPE, this.gzipOk);
    } catch (err) {
      return this.fail(res, err);
    }
    if (bytes && !(answer instanceof Promise)) return this.send(res, 200, answer.headers, bytes, undefined);
    void this.writeLater(res, answer);
  }

  private async writeLater(res: ServerResponse, pending: Answer | Promise<Answer>): Promise<void> {
    try {
      const answer = await pending;
      this.send(res, 200, answer.headers, await easAnswer(answer.body, answer.contentType ?? WBXML_TYPE, this.gzipOk), undefined);
    } catch (err) {
      this.fail(res, err);
    }
  }

  /** As respond.ts does for any exception: a logged 500 (503 when the store is unreachable) with the EAS headers, no body. */
  private fail(res: ServerResponse, err: unknown): void {
    const { status, headers } = unexpectedFailure(err);
    this.send(res, status, headers, easAnswerNow(Buffer.alloc(0), WBXML_TYPE, false)!, err);
  }

  private send(res: ServerResponse, status: number, extra: Record<string, string>, bytes: Bytes, failure: unknown): void {
    if (!res.destroyed && !res.headersSent) {
      res.writeHead(status, { ...extra, ...bytes.headers, 'Content-Length': String(bytes.body.length) });
      res.end(bytes.body);
    }
    logLine(this.log, 'POST', this.facts ?? {}, status, failure);
  }
}
