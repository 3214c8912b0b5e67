// A real store in a fresh temp dir and a delivery server on port 0, for the plugin tests.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDeliveryServer, parseMessage, type DeliveryLogger, type DeliveryServer, type Parse } from '../../plugin/index.js';
import { openStore } from '../../store/index.js';
import { FolderType, type Account, type Item, type Store } from '../../store/types.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/mail/', import.meta.url));

export function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

export interface LogLine {
  level: string;
  msg: string;
  fields: Record<string, unknown>;
}

export function memoryLogger(lines: LogLine[] = []): DeliveryLogger & { lines: LogLine[] } {
  const push = (level: string) => (msg: string, fields: Record<string, unknown> = {}) => lines.push({ level, msg, fields });
  return { lines, debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}

export interface DeliveryFixture {
  store: Store;
  dir: string;
  file: string;
  server: DeliveryServer;
  port: number;
  log: ReturnType<typeof memoryLogger>;
  inbox(account: Account): Promise<Item[]>;
  close(): Promise<void>;
}

export async function startDelivery(
  options: { lmtp?: boolean; maxMessageSize?: number; wrapStore?: (store: Store) => Store; parse?: Parse } = {},
): Promise<DeliveryFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-plugin-'));
  const file = join(dir, 'store.sqlite');
  const store = openStore(file);
  const log = memoryLogger();
  const server = createDeliveryServer({
    store: options.wrapStore ? options.wrapStore(store) : store,
    parse: options.parse ?? parseMessage,
    lmtp: options.lmtp ?? false,
    maxMessageSize: options.maxMessageSize ?? 1024 * 1024,
    hostname: 'mx.test',
    log,
  });
  const address = await server.listen(0, '127.0.0.1');
  return {
    store,
    dir,
    file,
    server,
    port: address.port,
    log,
    async inbox(account) {
      const inbox = await store.folderByType(account.id, FolderType.Inbox);
      if (!inbox) throw new Error(`no inbox for ${account.address}`);
      return await store.listItems(account.id, inbox.id);
    },
    async close() {
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The message swaks puts on the wire for `--data @file`: it always ends DATA with
 * CRLF "." CRLF after the file's own last line, so the message gains one empty line.
 */
export function swaksWire(name: string): Buffer {
  return Buffer.concat([fixture(name), Buffer.from('\r\n')]);
}

/** What the store must hold for a message received as `sent`. */
export function withMda(sent: Buffer, from: string, to: string): Buffer {
  return Buffer.concat([Buffer.from(`Return-Path: <${from}>\r\nDelivered-To: ${to}\r\n`), sent]);
}
