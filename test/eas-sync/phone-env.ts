// A whole server on port 0 (swaks in, EAS clients out) that can be restarted on the same data
// dir, for the tests of sticky Options, conflicts and the repeated-SyncKey hunt.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { sendMail } from '../helpers/swaks.js';
import { createEasClient, type EasClient } from '../helpers/eas-client.js';
import type { WbxmlElement } from '../../eas/wbxml/tree.js';
import { onlyCollection, syncRequest, type CollectionSpec, type SyncedCollection } from './wire.js';

export const PASSWORD = 'correct horse battery';
export const ALICE = 'alice@example.com';

export interface PhoneEnv {
  srv: TestServer;
  dataDir: string;
  phone(deviceId: string): EasClient;
  mail(subject: string, body?: string): Promise<void>;
  /** Stops the server and starts a new one on the same data dir (new ports). */
  restart(): Promise<void>;
}

export async function phoneEnv(t: { teardown(fn: () => Promise<void> | void): void }): Promise<PhoneEnv> {
  const dataDir = mkdtempSync(join(tmpdir(), 'eas-sync-phone-'));
  const phones: EasClient[] = [];
  const e: PhoneEnv = {
    srv: await startTestServer({ dataDir }),
    dataDir,
    phone(deviceId) {
      const p = createEasClient({ port: e.srv.httpPort, user: ALICE, password: PASSWORD, deviceId });
      phones.push(p);
      return p;
    },
    async mail(subject, body = `Body of ${subject}`) {
      const res = await sendMail({ port: e.srv.smtpPort, to: ALICE, from: 'bob@example.org', subject, body });
      if (res.code !== 0) throw new Error(`swaks failed (${res.code}): ${res.stdout.slice(-500)}`);
    },
    async restart() {
      await e.srv.stop();
      e.srv = await startTestServer({ dataDir });
      // The phones keep what they hold (PolicyKey, folders); only the port changes.
      for (const p of phones) (p.opts as { port: number }).port = e.srv.httpPort;
    },
  };
  t.teardown(async () => {
    await e.srv.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  await e.srv.addUser(ALICE, PASSWORD);
  return e;
}

/** One Sync of one collection; the answer read back (an empty 200 reads as `null`). */
export async function syncOne(phone: EasClient, spec: CollectionSpec): Promise<SyncedCollection | null> {
  const res = await phone.post('Sync', syncRequest([spec]));
  if (res.status !== 200) throw new Error(`Sync answered HTTP ${res.status}`);
  return res.body ? onlyCollection(res.body) : null;
}

export function subjectOf(data: WbxmlElement | undefined): string {
  return data?.textOf('Email:Subject') ?? '';
}
