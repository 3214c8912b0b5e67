// Hostile input: truncations, random mutations and hand-made bombs end in a WbxmlError or a valid
// tree, never another exception and never a hang. The fuzz seed is printed; set WBXML_FUZZ_SEED to
// replay a failure.

import test from 'ava';
import { decode, encode, WbxmlError, type WbxmlElement } from '../../eas/wbxml/index.js';
import { allFixtures } from './fixtures.js';
import { diffTrees, fromTree } from './libwbxml.js';

const HEADER = [0x03, 0x01, 0x6a, 0x00];
const fixtures = allFixtures();

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof WbxmlError) return err.code;
    throw err;
  }
  return 'ok';
}

const doc = (...body: number[]) => Uint8Array.from([...HEADER, ...body]);

test('every truncation of every fixture is refused with WbxmlError', (t) => {
  let cases = 0;
  for (const f of fixtures) {
    for (let len = 0; len < f.bytes.length; len++) {
      const c = code(() => decode(f.bytes.subarray(0, len)));
      // A strict prefix always lacks the root's END: it can never be a valid document.
      if (c === 'ok' || c === 'internal') t.fail(`${f.name} cut at ${len}: ${c}`);
      cases++;
    }
  }
  t.true(cases > 10_000);
});

/** mulberry32: small, fast, seedable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

// Bytes that steer a WBXML decoder into its interesting branches.
const INTERESTING = [0x00, 0x01, 0x02, 0x03, 0x04, 0x40, 0x43, 0x44, 0x80, 0x83, 0x84, 0xc0, 0xc3, 0xc4, 0x7f, 0xff, 0x19, 0x1a];

function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  const bytes = Array.from(src);
  const pick = (n: number) => Math.floor(rnd() * n);
  const edits = 1 + pick(4);
  for (let e = 0; e < edits; e++) {
    const at = pick(bytes.length + 1);
    switch (pick(6)) {
      case 0:
        bytes[at] = pick(256);
        break;
      case 1:
        bytes[at] = INTERESTING[pick(INTERESTING.length)]!;
        break;
      case 2:
        bytes.splice(at, 0, rnd() < 0.5 ? pick(256) : INTERESTING[pick(INTERESTING.length)]!);
        break;
      case 3:
        bytes.splice(at, 1 + pick(8));
        break;
      case 4: {
        const len = 1 + pick(32);
        bytes.splice(pick(bytes.length + 1), 0, ...bytes.slice(at, at + len));
        break;
      }
      default:
        // A long mb_u_int32-ish run: continuation bits everywhere.
        bytes.splice(at, 0, ...Array.from({ length: 1 + pick(7) }, () => 0x80 | pick(128)));
    }
  }
  return Uint8Array.from(bytes);
}

test('100,000 random mutations end in WbxmlError or a tree that round-trips', (t) => {
  const seed = process.env.WBXML_FUZZ_SEED ? Number(process.env.WBXML_FUZZ_SEED) : Date.now() % 2 ** 32;
  t.log(`fuzz seed ${seed} (replay with WBXML_FUZZ_SEED=${seed})`);
  const rnd = prng(seed);
  // Small inputs fuzz fastest; the few large ones still get their share.
  const sources = fixtures.map((f) => f.bytes);
  const outcome = { ok: 0, refused: 0 };
  for (let i = 0; i < 100_000; i++) {
    const input = mutate(sources[Math.floor(rnd() * sources.length)]!, rnd);
    let tree: WbxmlElement;
    try {
      tree = decode(input);
    } catch (err) {
      if (!(err instanceof WbxmlError) || err.code === 'internal') {
        t.fail(`seed ${seed} case ${i}: ${String(err)} for ${Buffer.from(input).toString('hex')}`);
        return;
      }
      outcome.refused++;
      continue;
    }
    outcome.ok++;
    // Whatever we accept, we can write back and read again unchanged.
    const again = decode(encode(tree));
    const diff = diffTrees(fromTree(again), fromTree(tree));
    if (diff) {
      t.fail(`seed ${seed} case ${i}: round trip differs at ${diff}`);
      return;
    }
  }
  t.log(`accepted ${outcome.ok}, refused ${outcome.refused}`);
  t.true(outcome.ok > 0 && outcome.refused > 0);
});

test('nesting bomb is refused as too-deep', (t) => {
  t.is(code(() => decode(doc(...new Array<number>(100_000).fill(0x45)))), 'too-deep');
  // At the limit it is fine; one deeper is not.
  const nest = (n: number) => doc(...new Array<number>(n).fill(0x45), ...new Array<number>(n).fill(0x01));
  t.is(code(() => decode(nest(64))), 'ok');
  t.is(code(() => decode(nest(65))), 'too-deep');
  t.is(code(() => decode(nest(5), { maxDepth: 4 })), 'too-deep');
});

test('huge declared lengths are refused as bad-length', (t) => {
  // OPAQUE claiming 4 GiB.
  t.is(code(() => decode(doc(0x45, 0xc3, 0x8f, 0xff, 0xff, 0xff, 0x7f, 0x01, 0x01))), 'bad-length');
  // String table claiming 4 GiB.
  t.is(code(() => decode(Uint8Array.from([0x03, 0x01, 0x6a, 0x8f, 0xff, 0xff, 0xff, 0x7f, 0x45, 0x01]))), 'bad-length');
  // STR_T pointing past its table, and at an entry without NUL.
  t.is(code(() => decode(Uint8Array.from([0x03, 0x01, 0x6a, 0x02, 0x61, 0x00, 0x4b, 0x83, 0x05, 0x01]))), 'bad-length');
  t.is(code(() => decode(Uint8Array.from([0x03, 0x01, 0x6a, 0x02, 0x61, 0x62, 0x4b, 0x83, 0x00, 0x01]))), 'bad-length');
});

test('string-table references cannot expand past the size limit', (t) => {
  const entry = new Array<number>(999).fill(0x61);
  const refs = Array.from({ length: 20_000 }, () => [0x83, 0x00]).flat();
  // 1,000-byte table referenced 20,000 times: 20 MB of text from 40 KB of input.
  const bomb = Uint8Array.from([0x03, 0x01, 0x6a, 0x87, 0x68, ...entry, 0x00, 0x4b, ...refs, 0x01]);
  t.is(code(() => decode(bomb)), 'too-large');
});

test('mb_u_int32 longer than 5 bytes or above 2^32-1 is refused', (t) => {
  t.is(code(() => decode(Uint8Array.from([0x03, 0x81, 0x81, 0x81, 0x81, 0x81, 0x01, 0x6a, 0x00, 0x45, 0x01]))), 'bad-mb-uint32');
  t.is(code(() => decode(Uint8Array.from([0x03, 0x9f, 0xff, 0xff, 0xff, 0x7f, 0x6a, 0x00, 0x45, 0x01]))), 'bad-mb-uint32');
  // Five bytes up to 2^32-1 is legal (a public id nobody registered; we ignore it).
  t.is(code(() => decode(Uint8Array.from([0x03, 0x8f, 0xff, 0xff, 0xff, 0x7f, 0x6a, 0x00, 0x45, 0x01]))), 'ok');
});

test('unknown code pages and tokens are refused', (t) => {
  t.is(code(() => decode(doc(0x00, 0x1a, 0x45, 0x01))), 'unknown-page'); // page 26
  t.is(code(() => decode(doc(0x00, 0xff, 0x45, 0x01))), 'unknown-page');
  t.is(code(() => decode(doc(0x51, 0x01))), 'unknown-tag'); // AirSync 0x11 is not in the spec
  t.is(code(() => decode(doc(0x00, 0x03, 0x45, 0x01))), 'unknown-tag'); // AirNotify has no tokens
  // A page switch nobody uses is harmless.
  t.is(code(() => decode(doc(0x00, 0x40, 0x00, 0x00, 0x45, 0x01))), 'ok');
});

test('input over the size bound is refused before it is read', (t) => {
  t.is(code(() => decode(new Uint8Array(16 * 1024 * 1024 + 1))), 'too-large');
  t.is(code(() => decode(doc(0x45, 0x01), { maxBytes: 5 })), 'too-large');
  t.is(code(() => decode(doc(0x45, 0x01), { maxBytes: 6 })), 'ok');
});

test('element count is bounded', (t) => {
  const many = doc(0x45, ...new Array<number>(1000).fill(0x0b), 0x01);
  t.is(code(() => decode(many)), 'ok');
  t.is(code(() => decode(many, { maxElements: 100 })), 'too-many-elements');
});

test('malformed structure is refused', (t) => {
  t.is(code(() => decode(new Uint8Array())), 'truncated');
  t.is(code(() => decode(doc())), 'truncated');
  t.is(code(() => decode(doc(0x45))), 'truncated');
  t.is(code(() => decode(doc(0x45, 0x03, 0x61))), 'truncated'); // STR_I without NUL
  t.is(code(() => decode(doc(0x01))), 'bad-structure');
  t.is(code(() => decode(doc(0x03, 0x61, 0x00, 0x45, 0x01))), 'bad-structure'); // text before root
  t.is(code(() => decode(doc(0x45, 0x01, 0x00))), 'bad-structure'); // bytes after the root
  t.is(code(() => decode(doc(0x05, 0x05))), 'bad-structure'); // two roots
  t.is(code(() => decode(doc(0x04, 0x00, 0x01))), 'unsupported-token'); // LITERAL
  t.is(code(() => decode(doc(0x45, 0x43, 0x01))), 'unsupported-token'); // PI
  t.is(code(() => decode(doc(0x45, 0xc0, 0x01))), 'unsupported-token'); // EXT_0
  t.is(code(() => decode(doc(0x45, 0x02, 0x83, 0xb0, 0x00, 0x01))), 'bad-entity'); // U+D800
  t.is(code(() => decode(Uint8Array.from([0x04, 0x01, 0x6a, 0x00, 0x45, 0x01]))), 'bad-header'); // version
  t.is(code(() => decode(Uint8Array.from([0x03, 0x01, 0x87, 0x68, 0x00, 0x45, 0x01]))), 'bad-header'); // charset 1000
});

test('decoding is lenient where clients are sloppy', (t) => {
  // Empty tags (BlackBerry's <ServerId/>), with or without the content bit.
  const empty = decode(doc(0x45, 0x0d, 0x4d, 0x01, 0x01));
  t.deepEqual(empty.children.map((c) => [c.name, c.text]), [['ServerId', undefined], ['ServerId', undefined]]);
  t.is(empty.textOf('ServerId'), '');
  // Control characters (Samsung) survive; ENTITY NUL is dropped; text pieces are joined.
  const text = decode(doc(0x45, 0x4d, 0x03, 0x61, 0x07, 0x0b, 0x00, 0x02, 0x00, 0x02, 0x81, 0x69, 0x03, 0x62, 0x00, 0x01, 0x01));
  t.is(text.textOf('ServerId'), 'a\u0007\u000béb');
  // Attributes are parsed and ignored.
  t.is(decode(doc(0xc5, 0x05, 0x86, 0x03, 0x78, 0x00, 0x01, 0x01)).tag, 'AirSync:Sync');
  // A literal public id (0 + string-table index) and ISO-8859-1 text.
  const latin = decode(Uint8Array.from([0x03, 0x00, 0x00, 0x04, 0x02, 0x78, 0x00, 0x45, 0x4d, 0x03, 0xe9, 0x00, 0x01, 0x01]));
  t.is(latin.textOf('ServerId'), 'é');
  // Several OPAQUE chunks in one element are joined.
  const parts = decode(doc(0x45, 0x4d, 0xc3, 0x01, 0x61, 0xc3, 0x02, 0x62, 0x63, 0x01, 0x01));
  t.deepEqual(Buffer.from(parts.child('ServerId')!.opaque!), Buffer.from('abc'));
});

test('errors carry the byte offset', (t) => {
  const err = t.throws(() => decode(doc(0x45, 0x51, 0x01)), { instanceOf: WbxmlError });
  t.is(err?.code, 'unknown-tag');
  t.is(err?.offset, 5);
});
