// The POST path (MS-ASHTTP 2.2.1.1): authenticate → parse the query → find the command and
// check that it exists in the request's protocol version → read the body → record the device →
// wipe/provisioning check → decode WBXML → run the command → render. Each step throws
// EasHttpError on failure; respond.ts renders it. A long poll (Ping) is handed to long-poll.ts,
// which answers it outside Koa once the registry does.

import type Koa from 'koa';
import { existsAt, type CommandAnswer, type CommandContext, type CommandResult, type CommandSpec, type EasQuery } from '../commands/types.js';
import type { EasDeps } from '../deps.js';
import { decode, WbxmlError } from '../wbxml/index.js';
import { checkAccess, CommonStatus, type Verdict } from './access.js';
import { authenticate, loginOf, type Authenticator } from './auth.js';
import { readBody } from './body.js';
import { statusBody } from './status-body.js';
import { ClientGone } from './client-gone.js';
import { EasHttpError } from './errors.js';
import { holdLongPoll } from './long-poll.js';
import { COMMAND_CODES, parseQuery } from './query.js';
import { answerBytes, factsOf } from './respond.js';
import { atLeast } from '../protocol.js';

/** Every Cmd MS-ASCMD defines: a known command we do not offer is 501, anything else 400. */
const EAS_COMMANDS: ReadonlySet<string> = new Set([
  ...Object.values(COMMAND_CODES),
  'Autodiscover', 'GetHierarchy', 'CreateCollection', 'DeleteCollection', 'MoveCollection', 'Notify',
]);

export function renderResult(ctx: Koa.Context, result: CommandAnswer): void {
  ctx.status = 200;
  const { body, contentType, headers } = answerBytes(result);
  ctx.body = body;
  if (contentType !== undefined) factsOf(ctx).contentType = contentType;
  for (const [k, v] of Object.entries(headers)) ctx.set(k, v);
}

/** A refusal in the form the client's version expects: a body Status from 14.0, else 449. */
function refuse(ctx: Koa.Context, query: EasQuery, verdict: Extract<Verdict, { ok: false }>): void {
  const body = atLeast(query.protocolVersion, '14.0') ? statusBody(query.cmd, verdict.status) : null;
  if (!body) throw new EasHttpError(449, verdict.reason);
  renderResult(ctx, { kind: 'wbxml', body });
}

function isMime(contentType: string | null): boolean {
  return contentType !== null && /^message\/rfc822\b/i.test(contentType.trim());
}

/**
 * Body types a client may send: WBXML (phones write both "application/vnd.ms-sync.wbxml" and
 * "application/vnd.ms-sync"), multipart-capable variants, MIME for SendMail below 14.0, and an
 * untyped body. Anything else (a form, JSON, HTML) is not an EAS request: 415.
 */
function acceptableBodyType(contentType: string | null): boolean {
  if (contentType === null || contentType.trim() === '') return true;
  return /^\s*(application\/vnd\.ms-sync(\.[a-z]+)?|message\/rfc822|application\/octet-stream)\s*(;|$)/i.test(contentType);
}

export function createDispatcher(
  deps: EasDeps,
  table: Readonly<Record<string, CommandSpec>>,
  auth: Authenticator = (_ip, header) => authenticate(deps.store, header),
): Koa.Middleware {
  return async function dispatch(ctx) {
    const facts = factsOf(ctx);
    // Parsed once, before authentication, so even a 401 logs its command and device; a
    // malformed query is answered only after authentication (401 comes first).
    let query: EasQuery | undefined;
    let queryError: unknown;
    try {
      query = parseQuery(ctx.querystring, ctx.headers);
      facts.cmd = query.cmd;
      facts.device = query.deviceId;
    } catch (err) {
      queryError = err;
    }
    const authorization = ctx.get('Authorization') || undefined;
    facts.user = loginOf(authorization);
    const account = await auth(ctx.ip, authorization);
    facts.user = account.address;

    if (!query) throw queryError;
    facts.version = query.protocolVersion;
    const spec = table[query.cmd];
    if (!spec) {
      if (EAS_COMMANDS.has(query.cmd)) throw new EasHttpError(501, `command ${query.cmd} not implemented`);
      throw new EasHttpError(400, `unknown command ${query.cmd.slice(0, 32)}`);
    }
    // A command of another protocol version (ItemOperations or Settings at 2.5, Find below
    // 16.1, GetAttachment at 16.x) is a request the client's version cannot make: 400, decided
    // here for every command from its table entry (docs/clients.md rule 45).
    if (!existsAt(spec, query.protocolVersion)) {
      throw new EasHttpError(400, `${spec.name} is not a command of EAS ${query.protocolVersion}`);
    }

    const raw = await readBody(ctx.req, deps.config.maxRequestBytes);
    const contentType = ctx.get('Content-Type') || null;
    if (raw.length > 0 && !acceptableBodyType(contentType)) {
      throw new EasHttpError(415, `unsupported Content-Type ${JSON.stringify(contentType?.slice(0, 64))}`);
    }
    const device = await deps.store.touchDevice(account.id, query.deviceId, {
      deviceType: query.deviceType,
      userAgent: ctx.get('User-Agent') || null,
      protocolVersion: query.protocolVersion,
    });

    // Closes the gap of the device's last Ping/Sync-Wait in its push history.
    deps.push.noteRequest?.(device.id, query.cmd);

    const verdict = checkAccess(spec, device, query, query.protocolVersion, deps.config, deps.log);
    if (!verdict.ok) return refuse(ctx, query, verdict);

    let request = null;
    if (spec.wbxmlBody && raw.length > 0 && !isMime(contentType)) {
      try {
        request = decode(raw);
      } catch (err) {
        if (!(err instanceof WbxmlError)) throw err;
        deps.log.warn('malformed WBXML body', { cmd: query.cmd, device: query.deviceId, error: err.message });
        // MS-ASCMD 2.2.2: Status 102 InvalidWBXML from 14.0; older versions get a plain 400.
        const body = atLeast(query.protocolVersion, '14.0') ? statusBody(query.cmd, CommonStatus.InvalidWBXML) : null;
        if (!body) throw new EasHttpError(400, `malformed WBXML: ${err.message}`);
        return renderResult(ctx, { kind: 'wbxml', body });
      }
    }

    // Aborted when the client goes away before the answer is written; made only for a
    // command that reads it (Sync with Wait), so other requests pay no AbortController.
    const gone = new ClientGone(ctx.req, ctx.res);
    const command: CommandContext = {
      deps,
      account,
      device,
      query,
      version: query.protocolVersion,
      request,
      raw,
      contentType,
      get signal() {
        return gone.signal;
      },
    };
    let result: CommandResult;
    try {
      result = await spec.handler(command);
    } finally {
      gone.release();
    }
    if (result.kind === 'long-poll') {
      const now = await holdLongPoll(ctx, deps, result);
      if (now !== null) renderResult(ctx, now);
      return;
    }
    renderResult(ctx, result);
  };
}
