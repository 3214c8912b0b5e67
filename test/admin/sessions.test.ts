// Console sessions (docs/admin.md §1 item 4): idle expiry that live refreshes do not extend,
// the bound on how many are kept, and ending an account's other sessions.

import test from 'ava';
import { createSessions, sameToken } from '../../eas/admin/sessions.js';

test('a session ends after the idle time; refreshes without touch do not extend it', (t) => {
  let now = 0;
  const sessions = createSessions({ idleMs: 1000, now: () => now });
  const s = sessions.create(1, 'root@example.com');
  now = 900;
  t.truthy(sessions.get(s.id), 'a click keeps it');
  now = 1800;
  t.truthy(sessions.get(s.id, false), 'a refresh sees it');
  now = 2000;
  t.is(sessions.get(s.id, false), null, 'but did not extend it');
  t.is(sessions.get(s.id), null);
  t.is(sessions.size(), 0);
});

test('past the bound the least recently used session goes; an account\'s other sessions can be ended', (t) => {
  let now = 0;
  const sessions = createSessions({ max: 2, now: () => now });
  const a = sessions.create(1, 'a@example.com');
  now = 1;
  const b = sessions.create(2, 'b@example.com');
  now = 2;
  sessions.get(a.id);
  const c = sessions.create(1, 'a@example.com');
  t.is(sessions.get(b.id), null, 'b was least recently used');
  t.truthy(sessions.get(a.id));
  sessions.dropAccount(1, c.id);
  t.is(sessions.get(a.id), null);
  t.truthy(sessions.get(c.id));
  t.not(a.csrf, c.csrf);
  t.true(sameToken(c.csrf, c.csrf));
  t.false(sameToken(undefined, c.csrf));
  t.false(sameToken(a.csrf, c.csrf));
});
