// A regenerating task (Nine trace 761: Recurrence with Regenerate and DeadOccur) and the Tasks
// FilterType 8 window (MS-ASCMD 2.2.3.68.2: incomplete tasks only): a completed task leaves the
// window, so a device syncing with FilterType 8 gets a SoftDelete, through the store's generic
// window machinery alone.

import test from 'ava';
import { createTasksClass } from '../../eas/classes/tasks.js';
import { INCOMPLETE_SINCE } from '../../eas/classes/tasks/task-window.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { FolderType, type DocItem } from '../../store/types.js';
import { appData, commandsOf, fixture, pimBox, textIn } from '../eas-contacts/pim-harness.js';

const NINE = { deviceId: 'NineBDAAC73CD68B', version: '16.1' as const };

/** Nine's task of trace 761 (a Change of T6), taken whole. */
function nineTask(): WbxmlElement {
  const [change] = commandsOf(fixture('761-02-sync-req.wbxml'));
  if (!change) throw new Error('761 has no command');
  return change.appData;
}

test('761: a regenerating recurring task is kept whole and sent with its recurrence in spec order', async (t) => {
  const box = await pimBox(t, createTasksClass(), FolderType.Tasks);
  const item = await box.add(nineTask(), NINE);
  if (typeof item === 'number') return t.fail(`Add refused: ${item}`);
  const rendered = await box.render(item, '14.1');
  const recurrence = rendered.find((e) => e.name === 'Recurrence');
  t.deepEqual(recurrence?.children.map((c) => `${c.name}=${c.text}`), [
    'Type=0', 'Start=2023-09-28T00:00:00.000Z', 'Until=2023-09-29T00:00:00.000Z', 'Interval=1', 'Regenerate=1', 'DeadOccur=0',
  ]);
  t.is(textIn(rendered, 'Tasks:UtcDueDate'), '2023-09-30T00:00:00.000Z');
  t.is(textIn(rendered, 'Tasks:ReminderTime'), '2023-09-30T02:22:00.000Z');
  t.is(item.receivedAt, '9999-12-31T23:59:59.999Z', 'incomplete: never leaves a window');
});

test('completing an occurrence (MS-OXOTASK: the client regenerates) stores both tasks as sent', async (t) => {
  const box = await pimBox(t, createTasksClass(), FolderType.Tasks);
  const item = (await box.add(nineTask(), NINE)) as DocItem;
  // The client moves the recurring task on to its next occurrence...
  const next = appData([
    el('Tasks:Subject', 'Task #2X - with all'), el('Tasks:Complete', 0),
    el('Tasks:StartDate', '2023-09-29T00:00:00.000Z'), el('Tasks:UtcStartDate', '2023-09-29T00:00:00.000Z'),
    el('Tasks:DueDate', '2023-10-01T00:00:00.000Z'), el('Tasks:UtcDueDate', '2023-10-01T00:00:00.000Z'),
    el('Tasks:Recurrence', [el('Tasks:Type', 0), el('Tasks:Start', '2023-09-29T00:00:00.000Z'), el('Tasks:Until', '2023-09-29T00:00:00.000Z'), el('Tasks:Interval', 1), el('Tasks:Regenerate', 1), el('Tasks:DeadOccur', 0)]),
  ]);
  const moved = await box.change(item, next, NINE);
  t.is(moved.status, 1);
  // ...and adds the completed occurrence, the last one (DeadOccur 1).
  const done = await box.add(appData([
    el('Tasks:Subject', 'Task #2X - with all'), el('Tasks:Complete', 1), el('Tasks:DateCompleted', '2023-09-28T17:00:00.000Z'),
    el('Tasks:Recurrence', [el('Tasks:Type', 0), el('Tasks:Start', '2023-09-28T00:00:00.000Z'), el('Tasks:Regenerate', 1), el('Tasks:DeadOccur', 1)]),
  ]), NINE);
  if (typeof done === 'number') return t.fail(`Add refused: ${done}`);
  t.is(textIn(await box.render(moved.item, '16.1'), 'Tasks:UtcDueDate'), '2023-10-01T00:00:00.000Z');
  t.is((await box.render(done, '16.1')).find((e) => e.name === 'Recurrence')?.textOf('Tasks:DeadOccur'), '1');
  t.is(done.receivedAt, '2023-09-28T17:00:00.000Z', 'complete: placed at its completion');
  t.is(moved.item.receivedAt, '9999-12-31T23:59:59.999Z');
});

test('763: the Add of a minimal task from Nine', async (t) => {
  const box = await pimBox(t, createTasksClass(), FolderType.Tasks);
  const [add] = commandsOf(fixture('763-02-sync-req.wbxml'));
  const item = await box.add(add!.appData, NINE);
  if (typeof item === 'number') return t.fail(`Add refused: ${item}`);
  const rendered = await box.render(item, '16.1');
  t.deepEqual(rendered.map((e) => `${e.name}=${e.text ?? ''}`).sort(), ['Body=', 'Complete=0', 'Importance=1', 'ReminderSet=0', 'Sensitivity=0', 'Subject=Device']);
});

async function threeTasks(t: Parameters<typeof pimBox>[0]) {
  const box = await pimBox(t, createTasksClass(), FolderType.Tasks);
  const open1 = (await box.add(appData([el('Tasks:Subject', 'open one'), el('Tasks:Complete', 0)]))) as DocItem;
  const open2 = (await box.add(appData([el('Tasks:Subject', 'open two')]))) as DocItem;
  const closed = (await box.add(appData([el('Tasks:Subject', 'done'), el('Tasks:Complete', 1), el('Tasks:DateCompleted', '2024-03-01T12:00:00.000Z')]))) as DocItem;
  const tablet = await box.store.touchDevice(box.account.id, 'TABLET', { deviceType: 'Tablet', userAgent: null, protocolVersion: '16.1' });
  const query = { accountId: box.account.id, folderId: box.folder.id, deviceRowId: tablet.id, limit: 100, ownAfter: null };
  return { box, open1, open2, closed, query };
}

test('FilterType 8: a device syncing incomplete tasks gets the open ones only; FilterType 0 gets all', async (t) => {
  const { box, open1, open2, closed, query } = await threeTasks(t);
  const now = new Date();
  t.is(box.cls.windowSince(0, now), null);
  t.is(box.cls.windowSince(8, now), INCOMPLETE_SINCE);
  t.is(closed.receivedAt, '2024-03-01T12:00:00.000Z');
  const first = await box.store.changes({ ...query, since: box.cls.windowSince(8, now), cursor: { modseq: 0, itemId: 0 } });
  t.deepEqual(first.changes.map((c) => (c.kind === 'add' ? c.item.id : -1)).sort(), [open1.id, open2.id].sort());
  t.is((await box.store.changes({ ...query, since: box.cls.windowSince(0, now), cursor: { modseq: 0, itemId: 0 } })).changes.length, 3);
  // Completing a task moves its window time from the far future to its completion.
  const res = await box.change(open1, appData([el('Tasks:Subject', 'open one'), el('Tasks:Complete', 1), el('Tasks:DateCompleted', '2025-01-02T03:04:05.000Z')]));
  t.is(res.status, 1);
  t.is(res.item.receivedAt, '2025-01-02T03:04:05.000Z');
  t.true(res.item.receivedAt < INCOMPLETE_SINCE);
});

// A completed task's window time falls from the far future to its completion: a device syncing
// "incomplete only" gets it as a SoftDelete (store/item-changes.ts).
test('FilterType 8: completing a task sends the device a SoftDelete', async (t) => {
  const { box, open1, query } = await threeTasks(t);
  const since = box.cls.windowSince(8, new Date());
  const first = await box.store.changes({ ...query, since, cursor: { modseq: 0, itemId: 0 } });
  await box.change(open1, appData([el('Tasks:Subject', 'open one'), el('Tasks:Complete', 1), el('Tasks:DateCompleted', '2025-01-02T03:04:05.000Z')]));
  const second = await box.store.changes({ ...query, since, cursor: first.next, window: first.window });
  t.deepEqual(second.changes, [{ kind: 'soft-delete', itemId: open1.id, folderId: box.folder.id }]);
});
