// Sent ClientIds on PostgreSQL (store/postgres/client-ids.ts): the expectations of
// test/eas-send/client-id-store.test.ts, and the race SQLite's IMMEDIATE transaction prevents:
// two requests claiming one ClientId at once, from two connections, get one 'claimed'.
import { createPgClientIds } from '../../store/postgres/client-ids.js';
import { createPgMaintenance } from '../../store/postgres/maintenance.js';
import { pgTest as test } from '../helpers/postgres.js';
import { fixture } from './sync-fixtures.js';

const DAY = 86_400_000;

test('claim, then sent: the same ClientId is a duplicate; released: it can be claimed again', async (t) => {
  const f = await fixture(t);
  const ids = createPgClientIds(f.ctx);
  const device = await f.device(await f.account('alice@example.com'), 'phone1');
  t.is(await ids.claimClientId(device, 'c1'), 'claimed');
  t.is(await ids.claimClientId(device, 'c1'), 'in-flight');
  await ids.markClientIdSent(device, 'c1');
  t.is(await ids.claimClientId(device, 'c1'), 'sent');
  await ids.releaseClientId(device, 'c1');
  t.is(await ids.claimClientId(device, 'c1'), 'sent', 'a sent ClientId is never released');
  t.is(await ids.claimClientId(device, 'c2'), 'claimed');
  await ids.releaseClientId(device, 'c2');
  t.is(await ids.claimClientId(device, 'c2'), 'claimed', 'a failed send does not block the retry');
});

test('a claim left by a process that died mid-send goes stale', async (t) => {
  const f = await fixture(t);
  const ids = createPgClientIds(f.ctx);
  const device = await f.device(await f.account('alice@example.com'), 'phone1');
  t.is(await ids.claimClientId(device, 'c1', new Date(Date.now() - 60 * 60_000)), 'claimed');
  t.is(await ids.claimClientId(device, 'c1'), 'claimed');
});

test('concurrent claims of one ClientId: exactly one is claimed', async (t) => {
  const f = await fixture(t);
  const ids = createPgClientIds(f.ctx);
  const device = await f.device(await f.account('alice@example.com'), 'phone1');
  for (const id of ['a', 'b', 'c']) {
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => ids.claimClientId(device, id)));
    t.deepEqual(results.sort(), ['claimed', 'in-flight', 'in-flight', 'in-flight', 'in-flight'], id);
  }
});

test('a claim for a missing device rejects and writes nothing', async (t) => {
  const f = await fixture(t);
  const ids = createPgClientIds(f.ctx);
  await t.throwsAsync(ids.claimClientId(999, 'c1'));
  t.is(await f.count('sent_client_ids'), 0);
});

test('maintenance forgets ClientIds after clientIdDays (default 7), and removing the device drops them', async (t) => {
  const f = await fixture(t);
  const ids = createPgClientIds(f.ctx);
  const { maintenance } = createPgMaintenance(f.ctx);
  const a = await f.account('alice@example.com');
  const device = await f.device(a, 'phone1');
  const other = await f.device(await f.account('bob@example.com'), 'phone1');
  await ids.claimClientId(device, 'c1');
  await ids.markClientIdSent(device, 'c1');
  await ids.claimClientId(other, 'c1');
  t.like(await maintenance({ now: new Date(Date.now() + 6 * DAY) }), { clientIds: 0 });
  t.is(await ids.claimClientId(device, 'c1'), 'sent');
  t.like(await maintenance({ now: new Date(Date.now() + 8 * DAY) }), { clientIds: 2 });
  t.is(await ids.claimClientId(device, 'c1'), 'claimed');
  await ids.markClientIdSent(device, 'c1');
  await f.pool.query('DELETE FROM devices WHERE id = $1', [device]);
  t.is(await ids.claimClientId(await f.device(a, 'phone1'), 'c1'), 'claimed');
});
