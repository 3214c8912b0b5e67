// Every MS-ASTASK property through the Tasks class as Sync uses it: a phone adds a task, another
// device is sent it (12.1, 14.0, 14.1, 16.1: recurrence children by version, in spec order), a
// Change replaces the task (task elements are never ghosted, with or without a Supported list),
// and input MS-ASTASK forbids is refused with Status 6.

import test from 'ava';
import { createTasksClass } from '../../eas/classes/tasks.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { FolderType, type DocItem } from '../../store/types.js';
import { appData, comparable, nodesOf, pimBox, textIn, type PimBox } from '../eas-contacts/pim-harness.js';

/** MS-ASTASK's order of the Recurrence children, less Until and DayOfMonth (not in this pattern). */
const RECURRENCE_ORDER = ['Type', 'Start', 'Occurrences', 'Interval', 'DayOfWeek', 'WeekOfMonth', 'MonthOfYear', 'Regenerate', 'DeadOccur', 'CalendarType', 'IsLeapMonth', 'FirstDayOfWeek'];

/** Recurrence children in an order of their own (as Nine sends them: Regenerate first). */
function recurrence(): WbxmlElement {
  return el('Tasks:Recurrence', [
    el('Tasks:Regenerate', 0), el('Tasks:DeadOccur', 0), el('Tasks:FirstDayOfWeek', 1), el('Tasks:Type', 6),
    el('Tasks:Start', '2025-01-06T00:00:00.000Z'), el('Tasks:Occurrences', 10), el('Tasks:Interval', 1),
    el('Tasks:DayOfWeek', 2), el('Tasks:WeekOfMonth', 1), el('Tasks:MonthOfYear', 1), el('Tasks:CalendarType', 1), el('Tasks:IsLeapMonth', 0),
  ]);
}

function everyProperty(): WbxmlElement[] {
  return [
    el('AirSyncBase:Body', [el('AirSyncBase:Type', 1), el('AirSyncBase:Data', 'Bring the receipts.')]),
    el('Tasks:Subject', 'File the tax return'),
    el('Tasks:Importance', 2),
    el('Tasks:StartDate', '2025-01-06T00:00:00.000Z'),
    el('Tasks:UtcStartDate', '2025-01-05T23:00:00.000Z'),
    el('Tasks:DueDate', '2025-01-31T00:00:00.000Z'),
    el('Tasks:UtcDueDate', '2025-01-30T23:00:00.000Z'),
    el('Tasks:Complete', 1),
    el('Tasks:DateCompleted', '2025-01-20T09:30:00.000Z'),
    el('Tasks:ReminderSet', 1),
    el('Tasks:ReminderTime', '2025-01-29T08:00:00.000Z'),
    el('Tasks:Sensitivity', 2),
    el('Tasks:Categories', [el('Tasks:Category', 'Home'), el('Tasks:Category', 'Money')]),
    recurrence(),
  ];
}

async function added(t: Parameters<typeof pimBox>[0], sent = everyProperty()): Promise<{ box: PimBox; item: DocItem; sent: WbxmlElement[] }> {
  const box = await pimBox(t, createTasksClass(), FolderType.Tasks);
  const item = await box.add(appData(sent), { version: '16.1' });
  if (typeof item === 'number') throw new Error(`Add refused with ${item}`);
  return { box, item, sent };
}

const recurrenceNames = (children: readonly WbxmlElement[]) => children.find((e) => e.name === 'Recurrence')?.children.map((c) => c.name);

for (const version of ['14.1', '16.1'] as const) {
  test(`every Tasks property added by one phone is sent to another at ${version}, recurrence in spec order`, async (t) => {
    const { box, item, sent } = await added(t);
    const rendered = await box.render(item, version);
    // comparable() compares a node's children in order: put the recurrence's in one order on both sides.
    const ordered = (nodes: ReturnType<typeof nodesOf>) =>
      nodes.map((n) => (n.tag === 'Tasks:Recurrence' ? { ...n, children: [...(n.children ?? [])].sort((a, b) => a.tag.localeCompare(b.tag)) } : n));
    t.deepEqual(comparable(ordered(nodesOf(rendered))), comparable(ordered(nodesOf(sent))));
    t.deepEqual(recurrenceNames(rendered), RECURRENCE_ORDER);
  });
}

test('recurrence children a version lacks are left out: CalendarType/IsLeapMonth below 14.0, FirstDayOfWeek below 14.1', async (t) => {
  const { box, item } = await added(t);
  t.deepEqual(recurrenceNames(await box.render(item, '12.1')), RECURRENCE_ORDER.filter((n) => !['CalendarType', 'IsLeapMonth', 'FirstDayOfWeek'].includes(n)));
  t.deepEqual(recurrenceNames(await box.render(item, '14.0')), RECURRENCE_ORDER.filter((n) => n !== 'FirstDayOfWeek'));
});

for (const [label, opts] of [
  ['without a Supported list at 14.1', { version: '14.1', supported: null }],
  ['with a Supported list at 14.1 (Supported covers contacts and calendar only)', { version: '14.1', supported: [] as string[] }],
  ['at 16.1', { version: '16.1', supported: null }],
] as const) {
  test(`a Change ${label} replaces the whole task`, async (t) => {
    const { box, item } = await added(t);
    const change = appData([el('Tasks:Subject', 'File it next year'), el('Tasks:Complete', 0), el('Tasks:Importance', 1)]);
    const res = await box.change(item, change, opts);
    t.is(res.status, 1);
    const rendered = await box.render(res.item, '16.1');
    t.deepEqual(comparable(nodesOf(rendered)), comparable(nodesOf(change.children)));
  });
}

test('Complete left out is derived from DateCompleted, and an incomplete task keeps no completion date', async (t) => {
  const box = await pimBox(t, createTasksClass(), FolderType.Tasks);
  const a = await box.add(appData([el('Tasks:Subject', 'a'), el('Tasks:DateCompleted', '2025-02-01T10:00:00.000Z')]));
  const b = await box.add(appData([el('Tasks:Subject', 'b')]));
  const c = await box.add(appData([el('Tasks:Subject', 'c'), el('Tasks:Complete', 0), el('Tasks:DateCompleted', '2025-02-01T10:00:00.000Z')]));
  if (typeof a === 'number' || typeof b === 'number' || typeof c === 'number') return t.fail('refused');
  t.is(textIn(await box.render(a, '16.1'), 'Tasks:Complete'), '1');
  t.is(textIn(await box.render(b, '16.1'), 'Tasks:Complete'), '0');
  t.is(textIn(await box.render(c, '16.1'), 'Tasks:DateCompleted'), undefined);
});

const REFUSED: [string, WbxmlElement[]][] = [
  ['Complete 1 without DateCompleted', [el('Tasks:Complete', 1)]],
  ['Complete 2', [el('Tasks:Complete', 2)]],
  ['StartDate without UtcStartDate', [el('Tasks:StartDate', '2025-01-06T00:00:00.000Z')]],
  ['UtcDueDate without DueDate', [el('Tasks:UtcDueDate', '2025-01-06T00:00:00.000Z')]],
  ['a start after the due date', [el('Tasks:StartDate', '2025-02-01T00:00:00.000Z'), el('Tasks:UtcStartDate', '2025-02-01T00:00:00.000Z'), el('Tasks:DueDate', '2025-01-01T00:00:00.000Z'), el('Tasks:UtcDueDate', '2025-01-01T00:00:00.000Z')]],
  ['Importance 3', [el('Tasks:Importance', 3)]],
  ['Sensitivity 4', [el('Tasks:Sensitivity', 4)]],
  ['a ReminderTime that is no date', [el('Tasks:ReminderSet', 1), el('Tasks:ReminderTime', 'soon')]],
  ['a Recurrence without Type', [el('Tasks:Recurrence', [el('Tasks:Start', '2025-01-06T00:00:00.000Z'), el('Tasks:Interval', 1)])]],
  ['a Recurrence of Type 4', [el('Tasks:Recurrence', [el('Tasks:Type', 4), el('Tasks:Start', '2025-01-06T00:00:00.000Z')])]],
  ['Regenerate 2', [el('Tasks:Recurrence', [el('Tasks:Type', 0), el('Tasks:Regenerate', 2)])]],
  ['Interval 0', [el('Tasks:Recurrence', [el('Tasks:Type', 0), el('Tasks:Interval', 0)])]],
];

for (const [what, props] of REFUSED) {
  test(`${what}: Add refused with Status 6, and a Change to it too`, async (t) => {
    const { box, item } = await added(t, [el('Tasks:Subject', 'valid'), el('Tasks:Complete', 0)]);
    t.is(await box.add(appData([el('Tasks:Subject', 'bad'), ...props])), 6);
    const res = await box.change(item, appData([el('Tasks:Subject', 'bad'), ...props]));
    t.is(res.status, 6);
    t.is(textIn(await box.render(res.item, '16.1'), 'Tasks:Subject'), 'valid', 'the refused Change changed nothing');
    t.is(await box.store.countItems(box.account.id, box.folder.id), 1);
  });
}
