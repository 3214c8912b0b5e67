// Which store failures mean "the store cannot be reached now" (store/unavailable.ts): those get
// 503 + Retry-After from the EAS side (test/store-pg/pg-restart.test.ts sees one for real);
// everything else stays a 500.

import test from 'ava';
import { isStoreUnavailable } from '../../store/unavailable.js';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

test('connection losses, refusals, shutdowns and a busy SQLite file are "unavailable"', (t) => {
  for (const code of ['08006', '08001', '57P01', '57P02', '57P03', '53300', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'SQLITE_BUSY']) {
    t.true(isStoreUnavailable(coded(code)), code);
  }
  t.true(isStoreUnavailable(new Error('Connection terminated unexpectedly')));
  t.true(isStoreUnavailable(new Error('timeout exceeded when trying to connect')));
  t.true(isStoreUnavailable(new Error('wrapped', { cause: coded('ECONNREFUSED') })));
  t.true(isStoreUnavailable(new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')], 'connect')));
});

test('faults of the request or the code are not', (t) => {
  for (const code of ['23505', '42P01', '22021', '40001', 'SQLITE_CONSTRAINT', 'ERR_INVALID_ARG_TYPE']) {
    t.false(isStoreUnavailable(coded(code)), code);
  }
  t.false(isStoreUnavailable(new TypeError('undefined is not a function')));
  t.false(isStoreUnavailable('Connection terminated'));
  t.false(isStoreUnavailable(new AggregateError([coded('ECONNREFUSED'), new Error('other')], 'mixed')));
});
