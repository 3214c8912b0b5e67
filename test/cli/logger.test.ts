// The structured logger: one JSON line per event, level-filtered, secrets masked.

import test from 'ava';
import { createLogger } from '../../bin/logger.js';

function capture(level: Parameters<typeof createLogger>[0]['level']) {
  const lines: string[] = [];
  const log = createLogger({ level, write: (line) => lines.push(line), now: () => new Date('2025-01-02T03:04:05Z') });
  return { log, lines };
}

test('one JSON object per line with time, level, message and fields', (t) => {
  const { log, lines } = capture('info');
  log.info('delivered', { from: 'a@example.org', recipients: ['b@example.com'], size: 120, ms: 1.5, skipped: undefined });
  t.deepEqual(lines, ['{"time":"2025-01-02T03:04:05.000Z","level":"info","msg":"delivered","from":"a@example.org","recipients":["b@example.com"],"size":120,"ms":1.5}\n']);
});

test('lines below the level are dropped; silent drops everything', (t) => {
  const warn = capture('warn');
  warn.log.debug('d');
  warn.log.info('i');
  warn.log.warn('w');
  warn.log.error('e');
  t.deepEqual(warn.lines.map((l) => (JSON.parse(l) as { msg: string }).msg), ['w', 'e']);
  const silent = capture('silent');
  silent.log.error('e');
  t.deepEqual(silent.lines, []);
});

test('fields that could hold a secret are masked, whatever the call site passes', (t) => {
  const { log, lines } = capture('debug');
  log.debug('auth', { user: 'a@example.org', password: 'hunter2', Authorization: 'Basic aGk=', smarthostPass: 'x' });
  t.false(lines[0]!.includes('hunter2'));
  t.false(lines[0]!.includes('aGk='));
  t.like(JSON.parse(lines[0]!), { user: 'a@example.org', password: '[redacted]', Authorization: '[redacted]', smarthostPass: '[redacted]' });
});
