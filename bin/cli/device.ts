// `eas-push device list|show|wipe|remove`: device administration and push diagnostics. Runs as
// its own process against the data directory of a running (or stopped) server: "parked now"
// comes from the push history the server records (store/push-history.ts), not from its memory.

import type { Device, Store } from '../../store/types.js';
import { exactAccount, withStore } from './admin-store.js';
import { DATA_DIR, STORE, type Io } from './common.js';
import { historyLine, parkedState, parkedText, when } from './device-format.js';
import { CliError, usageError } from './errors.js';
import { formatOptions, parseOptions, type OptionSpec } from './options.js';

/** Where an admin who mistyped the address finds the right one. */
const USER_LIST_HINT = 'see eas-push user list';

const ACCOUNT_ONLY: OptionSpec = {
  name: 'account-only',
  kind: 'flag',
  help: 'remove only this account from the phone (AccountOnlyRemoteWipe, EAS 16.1 devices)',
  env: false,
};

export const DEVICE_OPTIONS: Record<string, readonly OptionSpec[]> = {
  list: [DATA_DIR, STORE],
  show: [DATA_DIR, STORE],
  wipe: [DATA_DIR, STORE, ACCOUNT_ONLY],
  remove: [DATA_DIR, STORE],
};

export const DEVICE_USAGE: Record<string, string> = {
  list: 'device list [ADDRESS]',
  show: 'device show ADDRESS DEVICE',
  wipe: 'device wipe ADDRESS DEVICE [--account-only]',
  remove: 'device remove ADDRESS DEVICE',
};

const DEVICE_NOTES: Record<string, string> = {
  list: 'Lists the devices of ADDRESS (of every account without it): type, EAS version, last request,\nwhether a Ping or Sync-Wait is parked right now, and the user agent.',
  show: 'Shows one device (DEVICE is its DeviceId, as `device list` prints it), the items it kept\nrefusing and that are skipped for it (with their subject; they stay on the server), and its\nlast Pings and Sync-Waits, newest first, each with what happened: how fast it was answered\nafter delivery, and how long the device took to come back.',
  wipe: 'Asks the device to wipe itself on its next request. Without --account-only this is a FULL\nremote wipe: the phone is reset to factory settings, all its data is erased, not only this\naccount. --account-only removes only this account (AccountOnlyRemoteWipe, devices speaking\nEAS 16.1). Until the device has acknowledged it, `device remove` cancels the request.',
  remove: 'Forgets the device: its sync state, cached Ping and push history. If it comes back it is\nseen as new and syncs everything again. This does not block it (use `user passwd`).',
};

export function deviceHelp(command: string | undefined): string {
  const specs = command ? DEVICE_OPTIONS[command] : undefined;
  const usage = command ? DEVICE_USAGE[command] : undefined;
  if (!command || !specs || !usage) {
    return `Usage:\n${Object.values(DEVICE_USAGE).map((u) => `  eas-push ${u}`).join('\n')}\n\nOptions:\n${formatOptions([DATA_DIR, STORE, ACCOUNT_ONLY])}\n\nSee eas-push device COMMAND --help.\n`;
  }
  return `Usage: eas-push ${usage}\n\n${DEVICE_NOTES[command]}\n\nOptions:\n${formatOptions(specs)}\n`;
}

async function findDevice(store: Store, address: string, deviceId: string): Promise<{ device: Device; address: string }> {
  const account = await exactAccount(store, address, USER_LIST_HINT);
  const device = await store.getDevice(account.id, deviceId);
  if (!device) throw new CliError(`no device ${deviceId} for ${account.address} (see eas-push device list ${account.address})`);
  return { device, address: account.address };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

async function list(store: Store, address: string | undefined, now: Date): Promise<string> {
  const accounts = address === undefined ? await store.listAccounts() : [await exactAccount(store, address, USER_LIST_HINT)];
  const rows: string[][] = [['ACCOUNT', 'DEVICE', 'TYPE', 'EAS', 'LAST SEEN', 'PUSH PARKED', 'USER AGENT']];
  for (const account of accounts) {
    for (const d of await store.listDevices(account.id)) {
      const state = parkedState((await store.pushHistory(d.id, 1))[0], now);
      const push = state.kind === 'parked' ? `since ${when(state.since)}` : state.kind === 'stale' ? 'no (stale record)' : 'no';
      rows.push([account.address, d.deviceId, d.deviceType, d.protocolVersion ?? '-', when(d.lastSeenAt), push, d.userAgent ?? '-']);
    }
  }
  if (rows.length === 1) return address === undefined ? 'no devices yet\n' : `no devices for ${accounts[0]!.address} yet\n`;
  // One account asked for: its column says nothing.
  return table(address === undefined ? rows : rows.map((r) => r.slice(1)));
}

async function show(store: Store, address: string, deviceId: string, now: Date): Promise<string> {
  const { device: d, address: canonical } = await findDevice(store, address, deviceId);
  const history = await store.pushHistory(d.id);
  const info = Object.entries(d.info).map(([k, v]) => `${k}=${v}`).join(', ');
  const lines = [
    `device ${d.deviceId} of ${canonical}`,
    `  type:           ${d.deviceType}`,
    `  user agent:     ${d.userAgent ?? '-'}`,
    `  EAS version:    ${d.protocolVersion ?? '-'}`,
    `  first seen:     ${when(d.firstSeenAt)}`,
    `  last seen:      ${when(d.lastSeenAt)}`,
    `  provisioned:    ${d.policyKey !== null ? `yes (policy key ${d.policyKey})` : 'no'}`,
    `  remote wipe:    ${d.wipe === 'none' ? 'none' : d.wipe}`,
    `  Ping cache:     ${d.pingHeartbeat !== null ? `${d.pingHeartbeat} s, folders ${(d.pingFolders ?? []).join(',')}` : '-'}`,
    `  parked now:     ${parkedText(parkedState(history[0], now), now)}`,
  ];
  if (info) lines.push(`  information:    ${info}`);
  lines.push(...await skippedLines(store, d));
  lines.push('', history.length === 0 ? 'push history: none yet' : `push history (newest first, last ${history.length}):`);
  for (const entry of history) lines.push(historyLine(entry, now));
  return lines.join('\n') + '\n';
}

/**
 * docs/sync.md §9: the items this device kept refusing, skipped for it alone. They stay on the
 * server and reach every other device; a resync of the folder (SyncKey 0) gives them another
 * chance, and `device remove` forgets them with the rest.
 */
async function skippedLines(store: Store, d: Device): Promise<string[]> {
  const skipped = await store.skippedItems(d.id);
  if (skipped.length === 0) return [];
  const lines = ['', `skipped items (the device kept refusing them; they stay on the server), ${skipped.length}:`];
  for (const s of skipped) {
    const folder = (await store.getFolder(d.accountId, s.collectionId))?.name ?? `folder ${s.collectionId}`;
    lines.push(`  ${when(s.skippedAt)}  ${folder}  item ${s.collectionId}:${s.itemId}  ${s.subject === null ? '(no subject)' : JSON.stringify(s.subject)}`);
  }
  return lines;
}

async function wipe(store: Store, address: string, deviceId: string, accountOnly: boolean): Promise<string> {
  const { device, address: canonical } = await findDevice(store, address, deviceId);
  if (accountOnly && device.protocolVersion !== null && device.protocolVersion !== '16.1') {
    throw new CliError(
      `device ${deviceId} speaks EAS ${device.protocolVersion}: an account-only wipe needs 16.1 and would never be sent (wipe without --account-only, or device remove)`,
    );
  }
  await store.updateDevice(device.id, { wipe: accountOnly ? 'account-only-requested' : 'requested' });
  if (accountOnly) {
    return (
      `account-only remote wipe requested for ${deviceId} of ${canonical}: on its next request the device is told to\n` +
      `remove this account and its data (AccountOnlyRemoteWipe); the rest of the phone is left alone.\n` +
      (device.protocolVersion === null ? 'note: the device has not said its EAS version yet; only 16.1 devices receive it.\n' : '')
    );
  }
  return (
    `FULL remote wipe requested for ${deviceId} of ${canonical}: on its next request the device is told to\n` +
    `FACTORY-RESET, erasing all its data, not only this account (RemoteWipe).\n` +
    `To cancel before the device acts on it: eas-push device remove ${canonical} ${deviceId}\n`
  );
}

async function removeDevice(store: Store, address: string, deviceId: string, now: Date): Promise<string> {
  const { device, address: canonical } = await findDevice(store, address, deviceId);
  const parked = parkedState((await store.pushHistory(device.id, 1))[0], now).kind === 'parked';
  await store.removeDevice(device.id);
  return (
    `removed device ${deviceId} of ${canonical}\n` +
    (parked ? 'note: it has a request parked now; it is answered normally, and its next request makes it a new device\n' : '')
  );
}

export async function device(command: string, args: readonly string[], io: Io): Promise<number> {
  const specs = DEVICE_OPTIONS[command];
  if (!specs) throw usageError(`unknown command "device ${command}" (see eas-push device --help)`);
  const { values, positionals, help } = parseOptions(args, specs, io.env, `device ${command}`);
  if (help) {
    io.stdout(deviceHelp(command));
    return 0;
  }
  const usage = (): CliError => usageError(`usage: eas-push ${DEVICE_USAGE[command]}`);
  const now = new Date();
  const [address, deviceId] = positionals;
  let out: string;
  switch (command) {
    case 'list':
      if (positionals.length > 1) throw usage();
      out = await withStore(values, async (store) => await list(store, address, now));
      break;
    case 'show':
      if (positionals.length !== 2) throw usage();
      out = await withStore(values, async (store) => await show(store, address!, deviceId!, now));
      break;
    case 'wipe':
      if (positionals.length !== 2) throw usage();
      out = await withStore(values, async (store) => await wipe(store, address!, deviceId!, values.get('account-only') === true));
      break;
    default:
      if (positionals.length !== 2) throw usage();
      out = await withStore(values, async (store) => await removeDevice(store, address!, deviceId!, now));
  }
  io.stdout(out);
  return 0;
}
