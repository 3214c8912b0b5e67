// Real WBXML from outside the project: genuine client requests, Horde's encoder, syncgw's
// string-table vectors. Each decodes to what libwbxml (an independent codec) reads from the same
// bytes, up to the spec-vs-libwbxml names in libwbxml.ts, and re-encodes faithfully.

import test from 'ava';
import { decode, encode, WbxmlError } from '../../eas/wbxml/index.js';
import { clientRequests, hordeVectors, stringTableVectors, type Fixture } from './fixtures.js';
import { diffTrees, fromTree, parseLibwbxmlXml, wbxml2xml } from './libwbxml.js';

const requests = clientRequests();

test('the client request fixtures are all there', (t) => {
  t.is(requests.length, 123);
  t.true(requests.every((f) => f.libwbxmlXml !== undefined));
  const commands = new Set(requests.map((f) => /_(\w+)\.req\.wbxml$/.exec(f.name)?.[1]));
  for (const cmd of ['Provision', 'Settings', 'FolderSync', 'Sync', 'Ping', 'ItemOperations', 'Search', 'SendMail', 'ResolveRecipients', 'GetItemEstimate']) {
    t.true(commands.has(cmd), cmd);
  }
});

function matchesLibwbxml(t: import('ava').ExecutionContext, f: Fixture, xml: string): void {
  const diff = diffTrees(fromTree(decode(f.bytes)), parseLibwbxmlXml(xml));
  t.is(diff, undefined, f.name);
}

test('every client request decodes to the tree libwbxml reads', (t) => {
  for (const f of requests) matchesLibwbxml(t, f, f.libwbxmlXml!);
});

test('every client request matches wbxml2xml run live (Debian libwbxml2-utils)', (t) => {
  for (const f of requests) matchesLibwbxml(t, f, wbxml2xml(f.bytes));
});

test('every client request re-encodes to the same bytes', (t) => {
  for (const f of requests) t.deepEqual(encode(decode(f.bytes)), f.bytes, f.name);
});

test('the SendMail MIME arrives as OPAQUE bytes', (t) => {
  const f = requests.find((r) => r.name.endsWith('SendMail.req.wbxml'))!;
  const root = decode(f.bytes);
  t.is(root.tag, 'ComposeMail:SendMail');
  const mime = root.child('ComposeMail:Mime');
  t.truthy(mime?.opaque);
  t.regex(Buffer.from(mime!.opaque!).toString('utf8'), /^Date: .*\r\nSubject: /);
  t.is(root.textOf('SaveInSentItems'), '');
});

test('Horde-encoded items decode as libwbxml reads them and re-encode identically', (t) => {
  const vectors = hordeVectors();
  t.is(vectors.length, 7);
  for (const f of vectors) {
    matchesLibwbxml(t, f, f.libwbxmlXml!);
    t.deepEqual(encode(decode(f.bytes)), f.bytes, f.name);
  }
});

test('string-table vectors are read (or, when malformed, refused with WbxmlError)', (t) => {
  const vectors = stringTableVectors();
  t.is(vectors.length, 6);
  for (const f of vectors) {
    if (f.libwbxmlXml === undefined) {
      // in04: libwbxml refuses it too ("Attribute Value Table Undefined").
      t.throws(() => decode(f.bytes), { instanceOf: WbxmlError }, f.name);
      continue;
    }
    matchesLibwbxml(t, f, f.libwbxmlXml);
    // We never emit a string table, so the bytes differ; the tree must not.
    const again = encode(decode(f.bytes));
    t.true(again.length < f.bytes.length, f.name);
    t.is(diffTrees(fromTree(decode(again)), fromTree(decode(f.bytes))), undefined, f.name);
  }
});
