import test from 'ava';
import { decode } from '../../eas/wbxml/decode.js';
import { el } from '../../eas/wbxml/tree.js';
import { filterSince, OptionsError, parseItemOptions } from '../../eas/model/options.js';
import { fixture } from './helpers.js';

test('Nine sends an SMS Options block beside the mail one: the block without Class is used', (t) => {
  const sync = decode(fixture('nine-sync-two-options.wbxml'));
  const collection = sync.path('Collections', 'Collection');
  t.truthy(collection);
  const blocks = collection!.all('AirSync:Options');
  t.is(blocks.length, 2);
  const options = parseItemOptions(blocks, '16.1');
  t.deepEqual(options.classes, ['SMS']);
  t.is(options.filterType, 3);
  t.is(options.conflict, 1);
  t.deepEqual(options.bodyPreferences, [{ type: 2, truncationSize: 51200, allOrNone: false, preview: null }]);
  t.is(options.mimeSupport, 0);
});

test('a block with Class Email wins over one without Class', (t) => {
  const options = parseItemOptions(
    [
      el('AirSync:Options', [el('AirSync:FilterType', 1)]),
      el('AirSync:Options', [el('AirSync:Class', 'Email'), el('AirSync:FilterType', 4)]),
    ],
    '14.1',
  );
  t.is(options.filterType, 4);
  t.deepEqual(options.classes, ['Email']);
});

test('no Options: spec defaults', (t) => {
  const options = parseItemOptions([], '16.1');
  t.deepEqual(options, {
    filterType: 0,
    bodyPreferences: [],
    bodyPartPreferences: [],
    mimeSupport: 0,
    mimeTruncation: null,
    truncation: null,
    conflict: null,
    classes: [],
  });
});

test('MIMESupport, MIMETruncation and 12.x Truncation become byte counts', (t) => {
  const options = parseItemOptions(
    [
      el('AirSync:Options', [
        el('AirSync:MIMESupport', 2),
        el('AirSync:MIMETruncation', 1),
        el('AirSync:Truncation', 4),
        el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', 4), el('AirSyncBase:TruncationSize', 100000), el('AirSyncBase:AllOrNone', 1)]),
      ]),
    ],
    '12.1',
  );
  t.is(options.mimeSupport, 2);
  t.is(options.mimeTruncation, 4096);
  t.is(options.truncation, 5120);
  t.deepEqual(options.bodyPreferences, [{ type: 4, truncationSize: 100000, allOrNone: true, preview: null }]);
  const all = parseItemOptions([el('AirSync:Options', [el('AirSync:MIMETruncation', 8), el('AirSync:Truncation', 9)])], '12.1');
  t.is(all.mimeTruncation, null);
  t.is(all.truncation, null);
});

test('Preview is kept from 14.0 on and dropped below; BodyPartPreference only from 14.1', (t) => {
  const block = el('AirSync:Options', [
    el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', 2), el('AirSyncBase:Preview', 200)]),
    el('AirSyncBase:BodyPartPreference', [el('AirSyncBase:Type', 2), el('AirSyncBase:TruncationSize', 5000)]),
  ]);
  t.is(parseItemOptions([block], '12.1').bodyPreferences[0]?.preview, null);
  t.is(parseItemOptions([block], '14.0').bodyPreferences[0]?.preview, 200);
  t.is(parseItemOptions([block], '14.0').bodyPartPreferences.length, 0);
  t.deepEqual(parseItemOptions([block], '14.1').bodyPartPreferences, [{ type: 2, truncationSize: 5000, allOrNone: false, preview: null }]);
});

test('AllOrNone without TruncationSize is ignored (MS-ASAIRS 2.2.2.3.2)', (t) => {
  const options = parseItemOptions(
    [el('AirSync:Options', [el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', 1), el('AirSyncBase:AllOrNone', 1)])])],
    '16.1',
  );
  t.false(options.bodyPreferences[0]?.allOrNone);
});

const bad: [string, ReturnType<typeof el>][] = [
  ['Type 5', el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', 5)])],
  ['no Type', el('AirSyncBase:BodyPreference', [el('AirSyncBase:TruncationSize', 5)])],
  ['Preview 300', el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', 1), el('AirSyncBase:Preview', 300)])],
  ['TruncationSize -1', el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', 1), el('AirSyncBase:TruncationSize', '-1')])],
  ['TruncationSize "big"', el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', 1), el('AirSyncBase:TruncationSize', 'big')])],
  ['FilterType 9', el('AirSync:FilterType', 9)],
  ['MIMESupport 3', el('AirSync:MIMESupport', 3)],
  ['MIMETruncation 9', el('AirSync:MIMETruncation', 9)],
];
for (const [name, child] of bad) {
  test(`out of range: ${name} throws OptionsError`, (t) => {
    t.throws(() => parseItemOptions([el('AirSync:Options', [child])], '16.1'), { instanceOf: OptionsError });
  });
}

test('filterSince: 0 and 8 have no cutoff; others count back from now', (t) => {
  const now = new Date('2024-05-31T12:00:00.000Z');
  t.is(filterSince(0, now), null);
  t.is(filterSince(8, now), null);
  t.is(filterSince(1, now), '2024-05-30T12:00:00.000Z');
  t.is(filterSince(3, now), '2024-05-24T12:00:00.000Z');
  t.is(filterSince(4, now), '2024-05-17T12:00:00.000Z');
  t.is(filterSince(5, now), '2024-04-30T12:00:00.000Z');
});
