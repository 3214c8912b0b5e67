// The shared handler behind SendMail (MS-ASCMD 2.2.1.17), SmartForward (2.2.1.19) and
// SmartReply (2.2.1.20): read the request, build the message, submit it, answer.
// Success is an empty 200. A failure is <Kind><Status>n</Status></Kind> (2.2.3.177.14/.16)
// at 14.0+; the message/rfc822 form below 14.0 has no Status element, so a failure there is
// an HTTP error (400, or 503 + Retry-After when trying again may work). Never a 500.
// A resend of a message already sent (same ClientId) is answered Status 118 and not sent again
// (eas/compose/client-id.ts, docs/clients.md rule 36).

import { EasHttpError } from '../http/errors.js';
import type { CommandContext, CommandResult } from '../commands/types.js';
import type { LastVerb } from '../../store/types.js';
import { atLeast } from '../protocol.js';
import { el } from '../wbxml/tree.js';
import { guardSend, sendKey } from './client-id.js';
import { parseComposeRequest, type ComposeKind, type ComposeRequest } from './compose-request.js';
import { parseMessage, serializeMessage, withDefaultHeader } from './mime-message.js';
import { lastVerbOf, recordLastVerb } from './last-verb.js';
import { loadOriginal, threadHeaders, type Original } from './source-message.js';
import { forwardWithOriginal, replyWithQuote } from './smart-body.js';
import { ComposeFailure, ComposeStatus } from './status.js';
import { submitMessage } from './submit.js';

/** The message a Smart* request sends: the client's MIME, completed from the original. */
async function smartMessage(ctx: CommandContext, req: ComposeRequest): Promise<{ raw: Buffer; original: Original; verb: LastVerb | null }> {
  const original = await loadOriginal(ctx, req.source);
  let msg = parseMessage(req.mime);
  if (msg.fields.length === 0) throw new ComposeFailure(ComposeStatus.InvalidMIME, 'no header fields in the message');
  if (!req.replaceMime) {
    if (req.kind === 'SmartReply') {
      const client = await ctx.deps.parse(serializeMessage(msg));
      msg = await replyWithQuote(msg, client, original);
    } else {
      msg = forwardWithOriginal(msg, original);
    }
  }
  const thread = threadHeaders(original.item);
  if (thread) {
    msg = withDefaultHeader(msg, 'In-Reply-To', thread.inReplyTo);
    msg = withDefaultHeader(msg, 'References', thread.references);
  }
  return { raw: serializeMessage(msg), original, verb: lastVerbOf(req.kind, msg, original.item, ctx.account.address) };
}

export async function handleCompose(ctx: CommandContext, kind: ComposeKind): Promise<CommandResult> {
  let form: ComposeRequest['form'] = ctx.request ? 'wbxml' : 'rfc822';
  try {
    const req = parseComposeRequest(ctx, kind);
    form = req.form;
    const guard = await guardSend(ctx, sendKey(req));
    if (guard.kind === 'duplicate') {
      ctx.deps.log.info(`${kind}: already sent, not sent again`, {
        account: ctx.account.address,
        device: ctx.device.deviceId,
        clientId: req.clientId,
      });
      return duplicateResult(ctx, kind, form);
    }
    if (guard.kind === 'in-flight') {
      throw new ComposeFailure(ComposeStatus.ServerErrorRetryLater, 'the same message is being sent by another request');
    }
    try {
      const smart = kind === 'SendMail' ? null : await smartMessage(ctx, req);
      await submitMessage(ctx, smart?.raw ?? req.mime, { saveInSent: req.saveInSent, extraRecipients: req.forwardees });
      if (smart?.verb) await recordLastVerb(ctx, smart.original.item, smart.verb);
    } catch (err) {
      await guard.failed();
      throw err;
    }
    await guard.done();
    return { kind: 'empty' };
  } catch (err) {
    if (err instanceof EasHttpError) throw err;
    const failure =
      err instanceof ComposeFailure ? err : new ComposeFailure(ComposeStatus.ServerError, (err as Error).message);
    const log = failure.status === ComposeStatus.ServerError ? ctx.deps.log.error : ctx.deps.log.warn;
    log.call(ctx.deps.log, `${kind} failed`, {
      account: ctx.account.address,
      device: ctx.device.deviceId,
      status: failure.status,
      reason: failure.message,
    });
    return failureResult(ctx, kind, form, failure);
  }
}

/**
 * A resend: Status 118 where the form has a Status; the message/rfc822 form below 14.0 has none,
 * and its client reads any error as "try again", so it gets the empty 200 of a send.
 */
function duplicateResult(ctx: CommandContext, kind: ComposeKind, form: ComposeRequest['form']): CommandResult {
  if (form === 'wbxml' || atLeast(ctx.version, '14.0')) {
    return { kind: 'wbxml', body: el(`ComposeMail:${kind}`, [el('ComposeMail:Status', ComposeStatus.MessagePreviouslySent)]) };
  }
  return { kind: 'empty' };
}

function failureResult(ctx: CommandContext, kind: ComposeKind, form: ComposeRequest['form'], failure: ComposeFailure): CommandResult {
  const hasStatus = form === 'wbxml' || atLeast(ctx.version, '14.0');
  if (hasStatus) {
    return { kind: 'wbxml', body: el(`ComposeMail:${kind}`, [el('ComposeMail:Status', failure.status)]) };
  }
  const retry = failure.status === ComposeStatus.ServerErrorRetryLater;
  throw new EasHttpError(retry ? 503 : 400, `${kind}: ${failure.message}`, retry ? { 'Retry-After': '60' } : {});
}
