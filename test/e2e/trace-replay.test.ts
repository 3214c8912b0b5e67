// Replays the genuine client requests of test/fixtures/wbxml/syncgw/ (Nine on Android, Windows 10
// Mail, Microsoft's Remote Connectivity Analyzer) in trace order against the server started as
// a user starts it, each session on a fresh account. Request bytes, query strings (plain and
// base64), device ids and headers are the captured ones; only values that must come from the
// server are rewritten in the decoded tree from what OUR server answered earlier in the same
// session (PolicyKey, SyncKeys, folder ids, ServerIds, FileReferences), then re-encoded. A
// request with nothing to rewrite goes out byte for byte as captured.
//
// Replayed: every request of every trace, in order. Adapted:
// - Ping HeartbeatInterval 240/480 s → 1 s (the server runs with --heartbeat-min 1): the
//   answer is the same kind, without a four-minute wait.
// - The User query parameter and Basic auth name our fresh account (captured passwords are
//   not in the traces); RCA's DOMAIN\user form is kept.
// - Records whose capture had no Authorization (RCA's first try of each request) are sent
//   without one, as captured, and must get 401 with a Basic challenge.
// Skipped: nothing. The RCA traces speak EAS 12.0, which we offer (docs/clients.md rule 35):
// their FolderSync, Sync and GetItemEstimate get 200 like any other session's.

import test, { type ExecutionContext } from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode, encode } from '../../eas/wbxml/index.js';
import type { WbxmlElement } from '../../eas/wbxml/tree.js';
import { sendMail } from '../helpers/swaks.js';
import { startE2eServer, type E2eServer } from './helpers/process.js';
import { basicAuth, Wire, type WireResponse } from './helpers/wire.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/wbxml/syncgw/', import.meta.url));
const PASSWORD = 'replay-pw-1';

interface Meta {
  trace: string;
  seq: number;
  method: string;
  uri: string;
  query_decoded: unknown;
  command: string;
  request_headers: Record<string, string>;
  auth_user_present: boolean;
  response_status: string;
}

interface Step {
  trace: string;
  seq: string;
  cmd: string;
  meta: Meta;
  body: Buffer | null;
}

/** INDEX.tsv order, with each record's meta and request bytes. */
function loadTrace(trace: string): Step[] {
  const dir = join(FIXTURES, trace);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.meta.json'))
    .sort()
    .map((f) => {
      const base = f.slice(0, -'.meta.json'.length);
      const [seq, cmd] = base.split('_') as [string, string];
      const meta = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Meta;
      let body: Buffer | null = null;
      try {
        body = readFileSync(join(dir, `${base}.req.wbxml`));
      } catch {
        body = null;
      }
      return { trace, seq, cmd, meta, body };
    });
}

/** Every trace INDEX.tsv lists: the test fails if a session list below forgets one. */
function indexedTraces(): string[] {
  const rows = readFileSync(join(FIXTURES, 'INDEX.tsv'), 'utf8').trim().split('\n').slice(1);
  return [...new Set(rows.map((r) => r.split('\t')[0]!))];
}

interface Session {
  name: string;
  traces: string[];
  /** Our fresh account. */
  account: string;
  /** Basic auth name when not the address (RCA sends DOMAIN\user). */
  login?: string;
  /** Other local accounts the session's mail goes to. */
  alsoAccounts?: string[];
  /** syncgw folder id → MS-ASCMD folder Type, read from syncgw's FolderSync answers of the trace. */
  folders: Record<string, number>;
  /** A message with an attachment delivered first, so Fetch/Search/Sync have mail to act on. */
  seed?: boolean;
}

// Sessions: traces of one device that continue each other share one account (761–767 go on
// with 760's SyncKeys). 754/768/788 each re-provision from scratch, so each gets its own.
const SESSIONS: Session[] = [
  { name: 'Nine: Settings and ItemOperations alone', traces: ['748', '752', '753'], account: 't1.748@dev.fd', folders: {} },
  { name: 'Nine: provisioning, Calendar', traces: ['754'], account: 't2.754@dev.fd', folders: { C1: 8 } },
  { name: 'Nine: Tasks session', traces: ['760', '761', '762', '763', '764', '765', '766', '767'], account: 't1.760@dev.fd', folders: { T1: 7, T2: 15 } },
  { name: 'Nine: provisioning, Tasks', traces: ['768'], account: 't2.768@dev.fd', folders: { T1: 7 } },
  { name: 'Nine: Notes session', traces: ['780', '781', '782', '783', '784', '785', '786', '787'], account: 't1.780@dev.fd', folders: { N1: 10 } },
  { name: 'Nine: provisioning, Notes', traces: ['788'], account: 't2.788@dev.fd', folders: { N1: 10 } },
  {
    name: 'Nine: mail session (Sync, Ping, ItemOperations, Search, SendMail)',
    traces: ['800', '801', '802', '803', '804'],
    account: 't1@mail.fd',
    alsoAccounts: ['t2@mail.fd'],
    folders: { A1: 9, C1: 8, C2: 13, T1: 7, T2: 15, N1: 10, M1: 2, M7: 5, M8: 4 },
    seed: true,
  },
  { name: 'Nine: ResolveRecipients', traces: ['805'], account: 'debug@mail.fd', alsoAccounts: ['t1.805@mail.fd'], folders: {} },
  { name: 'Windows Mail: base64 queries', traces: ['806', '807'], account: 'wm.806@example.com', folders: {}, seed: true },
  { name: 'Remote Connectivity Analyzer 12.0 (a)', traces: ['810'], account: 'rca810@tst.example', login: 'tst\\rca810', folders: { M7: 2 } },
  { name: 'Remote Connectivity Analyzer 12.0 (b)', traces: ['811'], account: 'rca811@tst.example', login: 'tst\\rca811', folders: { M7: 2 } },
];

/** What a session learnt from our answers. */
interface State {
  policyKey: number | null;
  folderSyncKey: string | null;
  /** Our folder id per folder Type. */
  ourFolders: Map<number, string>;
  syncKeys: Map<string, string>;
  serverIds: Map<string, string[]>;
  fileReferences: string[];
  rewrites: string[];
}

function walk(e: WbxmlElement, visit: (e: WbxmlElement, parents: WbxmlElement[]) => void, parents: WbxmlElement[] = []): void {
  visit(e, parents);
  for (const c of e.children) walk(c, visit, [...parents, e]);
}

/** Rewrites server-given values in a captured request; returns new bytes, or null when unchanged. */
function rewrite(session: Session, state: State, tree: WbxmlElement): boolean {
  let changed = false;
  const set = (e: WbxmlElement, value: string | undefined, why: string) => {
    if (value === undefined || e.text === value) return;
    state.rewrites.push(`${e.tag} ${JSON.stringify(e.text)} → ${JSON.stringify(value)} (${why})`);
    e.text = value;
    changed = true;
  };
  const folder = (id: string | undefined): string | undefined => {
    if (id === undefined) return undefined;
    const type = session.folders[id];
    return type === undefined ? undefined : state.ourFolders.get(type);
  };
  walk(tree, (e, parents) => {
    const parent = parents[parents.length - 1];
    switch (e.tag) {
      case 'FolderHierarchy:SyncKey':
        if (e.text !== '0' && state.folderSyncKey !== null) set(e, state.folderSyncKey, 'FolderSync key');
        break;
      case 'AirSync:CollectionId':
      case 'GetItemEstimate:CollectionId':
      case 'Ping:Id':
        set(e, folder(e.text), 'folder id');
        break;
      case 'AirSync:SyncKey': {
        const collectionId = parent?.textOf('CollectionId');
        if (e.text !== '0' && collectionId !== undefined) set(e, state.syncKeys.get(folder(collectionId) ?? collectionId), 'SyncKey');
        break;
      }
      case 'Ping:HeartbeatInterval':
        set(e, '1', 'short heartbeat');
        break;
      case 'Provision:PolicyKey':
        if (state.policyKey !== null) set(e, String(state.policyKey), 'PolicyKey');
        break;
      case 'AirSyncBase:FileReference':
        if (!state.fileReferences.includes(e.text ?? '')) set(e, state.fileReferences[0], 'FileReference');
        break;
      case 'AirSync:ServerId': {
        const collection = parents.find((p) => p.tag === 'AirSync:Collection' || p.tag === 'ItemOperations:Fetch');
        const collectionId = collection?.textOf('CollectionId');
        const known = state.serverIds.get(folder(collectionId) ?? collectionId ?? '') ?? [];
        if (!known.includes(e.text ?? '')) set(e, known[known.length - 1], 'ServerId');
        break;
      }
    }
  });
  return changed;
}

/** Learns keys and ids from one of our answers. */
function learn(state: State, cmd: string, res: WireResponse): void {
  const body = res.body;
  if (!body) return;
  walk(body, (e, parents) => {
    if (e.tag === 'Provision:PolicyKey' && e.text) state.policyKey = Number(e.text);
    // Only attachments listed by Sync/Search: an ItemOperations answer merely echoes the request.
    const listed = parents[parents.length - 1]?.tag === 'AirSyncBase:Attachment';
    if (listed && e.tag === 'AirSyncBase:FileReference' && e.text && !state.fileReferences.includes(e.text)) state.fileReferences.push(e.text);
    // Ids the server assigns: its Adds, and its answers to the client's Adds (not echoes of a Change).
    if (e.tag === 'AirSync:ServerId' && e.text && parents[parents.length - 1]?.tag === 'AirSync:Add') {
      const collectionId = parents.find((p) => p.tag === 'AirSync:Collection')?.textOf('CollectionId');
      if (collectionId !== undefined) state.serverIds.set(collectionId, [...(state.serverIds.get(collectionId) ?? []), e.text]);
    }
  });
  if (cmd === 'FolderSync' && body.textOf('Status') === '1') {
    state.folderSyncKey = body.textOf('SyncKey') ?? state.folderSyncKey;
    for (const add of body.child('Changes')?.all('Add') ?? []) {
      const type = Number(add.textOf('Type'));
      if (!state.ourFolders.has(type)) state.ourFolders.set(type, add.textOf('ServerId')!);
    }
  }
  if (cmd === 'Sync') {
    for (const c of body.child('Collections')?.all('Collection') ?? []) {
      const id = c.textOf('CollectionId');
      const key = c.textOf('SyncKey');
      if (id !== undefined && key !== undefined && c.textOf('Status') === '1') state.syncKeys.set(id, key);
    }
  }
}

/** The request headers as the client sent them (CGI names back to HTTP), minus hop-by-hop ones. */
function capturedHeaders(meta: Meta, state: State): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta.request_headers)) {
    const name = k === 'CONTENT_TYPE' ? 'Content-Type' : k.startsWith('HTTP_') ? k.slice(5).toLowerCase().replace(/_/g, '-') : null;
    if (!name || ['host', 'connection', 'expect', 'content-length'].includes(name)) continue;
    out[name] = v;
  }
  if (out['x-ms-policykey'] !== undefined && out['x-ms-policykey'] !== '0' && state.policyKey !== null) {
    state.rewrites.push(`X-MS-PolicyKey ${out['x-ms-policykey']} → ${state.policyKey}`);
    out['x-ms-policykey'] = String(state.policyKey);
  }
  return out;
}

/** The captured query, with User naming our account in the plain form (base64 is sent as is). */
function capturedQuery(meta: Meta, account: string): string {
  const q = meta.uri.includes('?') ? meta.uri.slice(meta.uri.indexOf('?') + 1) : '';
  if (meta.query_decoded || q === '') return q;
  const sp = new URLSearchParams(q);
  if (sp.has('User')) sp.set('User', account);
  return sp.toString();
}

/** Status values that mean "the server failed", per command (MS-ASCMD 2.2.3.177.x, MS-ASPROV). */
const SERVER_ERROR: Readonly<Record<string, number[]>> = {
  Sync: [5, 110, 111],
  FolderSync: [6, 110, 111],
  Provision: [3],
  Settings: [3, 110, 111],
  Ping: [8, 110, 111],
  ItemOperations: [3, 110, 111],
  Search: [3, 110, 111],
  SendMail: [110, 111, 120],
  ResolveRecipients: [5, 110, 111],
  GetItemEstimate: [110, 111],
};

function statuses(tree: WbxmlElement): number[] {
  const out: number[] = [];
  walk(tree, (e) => {
    if (e.name === 'Status' && e.text !== undefined) out.push(Number(e.text));
  });
  return out;
}

async function replaySession(t: ExecutionContext, s: E2eServer, wire: Wire, session: Session): Promise<number> {
  await s.addUser(session.account, PASSWORD);
  for (const other of session.alsoAccounts ?? []) await s.addUser(other, PASSWORD);
  if (session.seed) {
    const sent = await sendMail({
      port: s.smtpPort,
      to: session.account,
      subject: 'First quarter report',
      body: 'First draft of the figures, see the attachment.',
      attach: [fileURLToPath(new URL('../fixtures/wbxml/SOURCE.txt', import.meta.url))],
    });
    t.is(sent.code, 0, `${session.name}: seed delivery`);
  }
  const state: State = { policyKey: null, folderSyncKey: null, ourFolders: new Map(), syncKeys: new Map(), serverIds: new Map(), fileReferences: [], rewrites: [] };
  const auth = basicAuth(session.login ?? session.account, PASSWORD);
  let replayed = 0;
  for (const trace of session.traces) {
    for (const step of loadTrace(trace)) {
      const label = `${session.name} ${step.trace}/${step.seq} ${step.cmd}`;
      const headers = capturedHeaders(step.meta, state);
      if (step.meta.auth_user_present) headers.Authorization = auth;
      let body = step.body;
      if (body && body.length > 0) {
        const tree = decode(body);
        if (rewrite(session, state, tree)) body = Buffer.from(encode(tree));
      }
      const res = await wire.send({ method: step.meta.method as 'POST' | 'OPTIONS', query: capturedQuery(step.meta, session.account), headers, body, what: label });
      replayed++;

      if (!step.meta.auth_user_present) {
        t.is(res.status, 401, `${label}: no credentials → 401`);
        t.regex(String(res.headers['www-authenticate']), /^Basic\b/i, `${label}: Basic challenge`);
        continue;
      }
      if (step.cmd === 'OPTIONS') {
        t.is(res.status, 200, label);
        t.truthy(res.headers['ms-asprotocolversions'], `${label}: versions advertised`);
        continue;
      }
      t.is(res.status, 200, `${label}: HTTP 200`);
      if (res.body) {
        const bad = statuses(res.body).filter((st) => (SERVER_ERROR[step.cmd] ?? []).includes(st));
        t.deepEqual(bad, [], `${label}: no server-error Status`);
      }
      expectations(t, label, step.cmd, res, state);
      learn(state, step.cmd, res);
    }
  }
  const kinds = new Map<string, number>();
  for (const r of state.rewrites) {
    const kind = /\(([^)]+)\)$/.exec(r)?.[1] ?? r.split(' ')[0]!;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  t.log(`${session.name}: ${replayed} requests; rewritten: ${kinds.size ? [...kinds].map(([k, n]) => `${k} ×${n}`).join(', ') : 'nothing'}`);
  return replayed;
}

/** What the replies must say beyond "200 and decodable", per command. */
function expectations(t: ExecutionContext, label: string, cmd: string, res: WireResponse, state: State): void {
  const body = res.body;
  switch (cmd) {
    case 'Provision':
    case 'FolderSync':
    case 'Settings':
      t.is(body?.textOf('Status'), '1', `${label}: Status 1`);
      break;
    case 'Sync':
      // Empty 200 = nothing changed (MS-ASCMD 2.2.1.21.2), else Status 1 per collection: every
      // collection of the traces maps to one of our folders and carries our current key.
      if (body) t.is(body.path('Collections', 'Collection')?.textOf('Status') ?? body.textOf('Status'), '1', `${label}: Sync Status 1`);
      break;
    case 'Ping':
      t.true(['1', '2'].includes(body?.textOf('Status') ?? ''), `${label}: Ping Status 1 or 2, got ${body?.textOf('Status')}`);
      break;
    case 'ItemOperations': {
      t.is(body?.textOf('Status'), '1', `${label}: command Status 1`);
      // A FileReference our server listed earlier is fetched; one it never gave is 15
      // (attachment ID invalid) or 6 (not found), never a crash.
      const fetch = body?.path('Response', 'Fetch');
      const known = fetch && state.fileReferences.includes(fetch.textOf('AirSyncBase:FileReference') ?? '');
      if (known) {
        t.is(fetch?.textOf('Status'), '1', `${label}: Fetch Status 1`);
        t.truthy(fetch?.path('Properties', 'Data') ?? res.parts[1], `${label}: attachment data`);
      } else t.true(['6', '15'].includes(fetch?.textOf('Status') ?? ''), `${label}: Fetch Status of an unknown reference, got ${fetch?.textOf('Status')}`);
      break;
    }
    case 'Search':
    case 'ResolveRecipients':
    case 'GetItemEstimate':
      // MS-ASCMD 2.2.3.177.7: the Status of a collection's estimate is in its Response.
      t.is(body?.textOf('Status') ?? body?.path('Response')?.textOf('Status'), '1', `${label}: command Status 1`);
      break;
    case 'SendMail':
      t.is(res.raw.length, 0, `${label}: empty 200 = sent`);
      break;
  }
}

test('every captured trace is covered by a session of this test', (t) => {
  t.deepEqual(SESSIONS.flatMap((s) => s.traces).sort(), indexedTraces().sort());
});

test('genuine Nine, Windows Mail and RCA requests replayed in trace order: 200 and decodable answers, or the HTTP error the spec prescribes', async (t) => {
  t.timeout(120_000);
  const s = await startE2eServer();
  t.teardown(() => s.stop());
  const wire = new Wire(s.httpPort);
  let total = 0;
  for (const session of SESSIONS) total += await replaySession(t, s, wire, session);
  t.is(total, 139, 'every record of INDEX.tsv was sent');
  t.true(wire.checks.length > 60, `${wire.checks.length} WBXML answers checked by libwbxml`);
  t.deepEqual(wire.checks.filter((c) => c.problem !== null), [], 'libwbxml decodes every answer as we do');
  t.deepEqual(s.proc.problems.filter((l) => /"level":"error"/.test(l)), [], 'no error logged by the server');
});
