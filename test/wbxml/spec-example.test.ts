// MS-ASWBXML section 3: the normative example encodes to the spec's bytes and decodes back.

import test from 'ava';
import { decode, el, encode, toXml } from '../../eas/wbxml/index.js';
import { specExample } from './fixtures.js';
import { diffTrees, fromTree, parseLibwbxmlXml } from './libwbxml.js';

// The XML of the spec example, built with the same el() calls commands use.
function specTree() {
  return el('AirSync:Sync', [
    el('AirSync:Collections', [
      el('AirSync:Collection', [
        el('AirSync:Class', 'Contacts'),
        el('AirSync:SyncKey', '2'),
        el('AirSync:CollectionId', '2'),
        el('AirSync:Status', 1),
        el('AirSync:Commands', [
          el('AirSync:Add', [
            el('AirSync:ServerId', '2:1'),
            el('AirSync:ApplicationData', [
              el('AirSyncBase:Body', [
                el('AirSyncBase:Type', 1),
                el('AirSyncBase:EstimatedDataSize', 0),
                el('AirSyncBase:Truncated', 1),
              ]),
              el('Contacts:FileAs', 'Funk, Don'),
              el('Contacts:FirstName', 'Don'),
              el('Contacts:LastName', 'Funk'),
              el('AirSyncBase:NativeBodyType', 1),
            ]),
          ]),
        ]),
      ]),
    ]),
  ]);
}

const squeeze = (xml: string) => xml.replace(/>\s+</g, '><').trim();

test('encodes the spec example to exactly the spec bytes', (t) => {
  const { bytes } = specExample();
  t.deepEqual(encode(specTree()), bytes);
});

test('decodes the spec bytes back to the same tree', (t) => {
  const { bytes } = specExample();
  t.is(diffTrees(fromTree(decode(bytes)), fromTree(specTree())), undefined);
});

test('toXml of the decoded example is the spec XML', (t) => {
  const { bytes, xml } = specExample();
  t.is(squeeze(toXml(decode(bytes))), squeeze(xml));
});

test('libwbxml reads the spec bytes as the same tree', (t) => {
  const { bytes, libwbxmlXml } = specExample();
  t.is(diffTrees(fromTree(decode(bytes)), parseLibwbxmlXml(libwbxmlXml)), undefined);
});
