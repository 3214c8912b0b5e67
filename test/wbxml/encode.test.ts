// encode(): the exact bytes we put on the wire for every response.

import test from 'ava';
import { decode, el, encode, WbxmlError } from '../../eas/wbxml/index.js';

const HEADER = [0x03, 0x01, 0x6a, 0x00];

test('header is exactly 03 01 6A 00 and an empty root is one byte', (t) => {
  t.deepEqual([...encode(el('Ping:Ping'))], [...HEADER, 0x00, 0x0d, 0x05]);
  t.deepEqual([...encode(el('AirSync:Sync'))], [...HEADER, 0x05]);
});

test('SWITCH_PAGE is written only when the page changes', (t) => {
  const tree = el('AirSync:Sync', [
    el('AirSyncBase:Body', [el('AirSyncBase:Type', 2), el('AirSyncBase:Truncated', 0)]),
    el('AirSyncBase:NativeBodyType', 2),
    el('AirSync:Status', 1),
    el('AirSync:SyncKey', 3),
  ]);
  t.deepEqual(
    [...encode(tree)],
    [
      ...HEADER,
      0x45, // Sync
      0x00, 0x11, 0x4a, // AirSyncBase, Body
      0x46, 0x03, 0x32, 0x00, 0x01, // Type 2
      0x4d, 0x03, 0x30, 0x00, 0x01, // Truncated 0
      0x01,
      0x56, 0x03, 0x32, 0x00, 0x01, // NativeBodyType 2 (same page: no switch)
      0x00, 0x00, 0x4e, 0x03, 0x31, 0x00, 0x01, // back to AirSync, Status 1
      0x4b, 0x03, 0x33, 0x00, 0x01, // SyncKey 3
      0x01,
    ],
  );
});

test('NUL is stripped from text and empty text is an empty tag', (t) => {
  t.deepEqual([...encode(el('AirSync:SyncKey', 'a\u0000b\u0000'))], [...HEADER, 0x4b, 0x03, 0x61, 0x62, 0x00, 0x01]);
  t.deepEqual([...encode(el('AirSync:SyncKey', ''))], [...HEADER, 0x0b]);
  t.is(decode(encode(el('AirSync:Sync', [el('AirSync:ServerId', '')]))).textOf('ServerId'), '');
});

test('text round-trips any Unicode, including control characters', (t) => {
  const s = 'Grüße 日本語 😀 <&> tab\there\u0001\u001f';
  t.is(decode(encode(el('Email:Subject', s))).text, s);
});

test('OPAQUE content keeps its bytes, with mb_u_int32 lengths at every boundary', (t) => {
  for (const n of [0, 1, 127, 128, 16383, 16384, 70000]) {
    const data = Uint8Array.from({ length: n }, (_, i) => (i * 7) & 0xff);
    const bytes = encode(el('ComposeMail:Mime', data));
    const lengthBytes = n < 128 ? 1 : n < 16384 ? 2 : 3;
    t.is(bytes.length, HEADER.length + 2 + 2 + lengthBytes + n + 1, `length ${n}`);
    t.deepEqual(Buffer.from(decode(bytes).opaque!), Buffer.from(data), `length ${n}`);
  }
  t.deepEqual([...encode(el('ComposeMail:Mime', Uint8Array.of(0xff, 0x00)))].slice(4), [0x00, 0x15, 0x50, 0xc3, 0x02, 0xff, 0x00, 0x01]);
});

test('large documents grow the buffer and round-trip', (t) => {
  const body = 'x'.repeat(3 * 1024 * 1024);
  const tree = el('AirSync:Sync', Array.from({ length: 2000 }, (_, i) => el('AirSync:ServerId', `1:${i}`)).concat(el('AirSyncBase:Data', body)));
  const round = decode(encode(tree));
  t.is(round.children.length, 2001);
  t.is(round.textOf('AirSyncBase:Data'), body);
});

test('an unknown namespace or tag is a typed error', (t) => {
  t.is(t.throws(() => encode(el('Nope:Sync')), { instanceOf: WbxmlError })?.code, 'unknown-page');
  t.is(t.throws(() => encode(el('AirSync:Nope')), { instanceOf: WbxmlError })?.code, 'unknown-tag');
  // libwbxml's names are not ours.
  t.is(t.throws(() => encode(el('Contacts:BusinessCity')), { instanceOf: WbxmlError })?.code, 'unknown-tag');
  t.is(t.throws(() => encode(el('Gal:Alias')), { instanceOf: WbxmlError })?.code, 'unknown-page');
});

test('a tree that contains itself is refused, not recursed forever', (t) => {
  const loop = el('AirSync:Sync');
  loop.children.push(loop);
  t.is(t.throws(() => encode(loop), { instanceOf: WbxmlError })?.code, 'too-deep');
});
