// Test helper: the WBXML fixtures copied into test/fixtures/wbxml (see SOURCE.txt there).

import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'wbxml');

export interface Fixture {
  /** Path relative to FIXTURES, for messages. */
  name: string;
  bytes: Buffer;
  /** libwbxml's rendering of the same bytes, when there is one. */
  libwbxmlXml: string | undefined;
}

function load(file: string, xmlFile: string | undefined): Fixture {
  let libwbxmlXml: string | undefined;
  try {
    libwbxmlXml = xmlFile ? readFileSync(xmlFile, 'utf8') : undefined;
  } catch {
    libwbxmlXml = undefined;
  }
  return { name: relative(FIXTURES, file), bytes: readFileSync(file), libwbxmlXml };
}

function list(sub: string, suffix: string): string[] {
  return readdirSync(join(FIXTURES, sub), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => join(FIXTURES, sub, f));
}

/** Genuine client requests, each with its `wbxml2xml -l ACTIVESYNC` rendering. */
export function clientRequests(): Fixture[] {
  return list('syncgw', '.req.wbxml').map((f) => load(f, f.replace(/\.wbxml$/, '.xml')));
}

/** Horde-encoded items (libwbxml renderings beside them). */
export function hordeVectors(): Fixture[] {
  return list('horde', '.wbxml').map((f) => load(f, f.replace(/\.wbxml$/, '.xml')));
}

/** syncgw codec vectors using a string table (in04 has no rendering: it is malformed). */
export function stringTableVectors(): Fixture[] {
  return list('syncgw-codec', '.wbxml').map((f) => load(f, f.replace(/\.wbxml$/, '.libwbxml.xml')));
}

export function specExample(): { bytes: Buffer; xml: string; libwbxmlXml: string } {
  const dir = join(FIXTURES, 'ms-aswbxml');
  return {
    bytes: readFileSync(join(dir, 'sync-add-contact.wbxml')),
    xml: readFileSync(join(dir, 'sync-add-contact.xml'), 'utf8'),
    libwbxmlXml: readFileSync(join(dir, 'sync-add-contact.libwbxml.xml'), 'utf8'),
  };
}

export function allFixtures(): Fixture[] {
  const spec = specExample();
  return [
    { name: 'ms-aswbxml/sync-add-contact.wbxml', bytes: spec.bytes, libwbxmlXml: spec.libwbxmlXml },
    ...clientRequests(),
    ...hordeVectors(),
    ...stringTableVectors(),
  ];
}
