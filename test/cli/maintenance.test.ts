// The maintenance schedule of the composition root: it runs the store's purge repeatedly,
// and a failing run is logged and retried, never fatal.
import test from 'ava';
import { scheduleMaintenance } from '../../bin/maintenance.js';
import type { Logger } from '../../eas/log.js';
import type { Store } from '../../store/types.js';

test('runs store.maintenance() again and again; a failing run is logged and the next one still comes', async (t) => {
  const errors: string[] = [];
  const infos: Record<string, unknown>[] = [];
  const log: Logger = {
    info: (_msg, fields) => infos.push(fields ?? {}),
    warn: () => {},
    debug: () => {},
    error: (msg) => errors.push(msg),
  };
  let calls = 0;
  let thirdCall!: () => void;
  const third = new Promise<void>((resolve) => (thirdCall = resolve));
  const store = {
    maintenance() {
      calls += 1;
      if (calls === 3) thirdCall();
      if (calls === 1) throw new Error('database is locked');
      return { tombstones: 0, messages: 0, journal: 0, folders: calls };
    },
  } as unknown as Store;

  // The schedule's timers are unref'd (they must not keep a server alive): hold the loop open.
  const keepAlive = setInterval(() => {}, 1000);
  const stop = scheduleMaintenance(store, log, 5);
  await third;
  stop();
  clearInterval(keepAlive);
  t.deepEqual(errors, ['maintenance failed']);
  t.deepEqual(infos[0], { tombstones: 0, messages: 0, journal: 0, folders: 2 });
});
