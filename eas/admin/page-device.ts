// A device's page (docs/admin.md §2): what it is (protocol, user agent, provisioning, wipe)
// and its recent Pings and Sync-Waits as a timeline, each with the verdict `eas-push device
// show` gives (eas/push/verdict.ts) and, when a delivery woke it, which message that was.

import type { Account, Device, Item, PushHistoryEntry, Store } from '../../store/types.js';
import { duration, parkedState, parkedText, verdict, when } from '../push/verdict.js';
import { timelineChart } from './charts.js';
import { html, seg, type Html } from './html.js';

/** How far before the commit an item's arrival time may lie (the parse ran before the commit). */
const ARRIVAL_SLACK_MS = 5_000;

/**
 * The message whose delivery answered the entry: the newest item of a reported folder stored
 * before the answer (items are stamped inside the delivery's transaction, before its commit)
 * and not long before the commit the registry timed.
 */
export async function wokenBy(store: Store, accountId: number, entry: PushHistoryEntry): Promise<Item | null> {
  if (entry.endedAt === null || entry.commitToAnswerMs === null) return null;
  const answered = Date.parse(entry.endedAt);
  const committed = answered - entry.commitToAnswerMs;
  let best: Item | null = null;
  for (const folderId of entry.reported) {
    for (const item of await store.listItems(accountId, folderId, 20)) {
      const at = Date.parse(item.receivedAt);
      // Both times are floored to the millisecond, so an item stored before the answer never
      // reads as later than it; a later delivery does, however close it came.
      if (at > answered || at < committed - ARRIVAL_SLACK_MS) continue;
      if (!best || at > Date.parse(best.receivedAt)) best = item;
    }
  }
  return best;
}

function describeItem(item: Item): Html {
  if (item.kind === 'mail') {
    const from = item.summary.from[0];
    return html`“${item.summary.subject || '(no subject)'}”${from ? html` from ${from.address}` : ''}`;
  }
  return html`item ${item.id}`;
}

async function entryLine(store: Store, account: Account, entry: PushHistoryEntry, now: Date): Promise<Html> {
  const kind = entry.kind === 'ping' ? 'Ping' : 'Sync-Wait';
  const outcome = entry.outcome ?? (entry.endedAt === null ? 'parked' : '-');
  const item = await wokenBy(store, account.id, entry);
  return html`<li data-entry="${entry.id}" data-outcome="${outcome}"><b>${when(entry.startedAt)}</b> ${kind}, heartbeat ${entry.heartbeatSeconds} s, ${entry.folderIds.length} folder${
    entry.folderIds.length === 1 ? '' : 's'
  }: <span class="${entry.endedAt === null ? 'ok' : entry.outcome === 'interrupted' ? 'bad' : ''}">${outcome}</span> · ${verdict(entry, now)}${
    item ? html`<br><span class="mute">woken by the delivery of ${describeItem(item)}</span>` : ''
  }</li>`;
}

export async function deviceLive(store: Store, account: Account, device: Device, now: Date, notice: string | null): Promise<Html> {
  const history = await store.pushHistory(device.id);
  const base = `/accounts/${seg(account.address)}/devices/${seg(device.deviceId)}`;
  const info = Object.entries(device.info).map(([k, v]) => `${k}=${v}`).join(', ');
  const row = (k: string, v: unknown) => html`<tr><th>${k}</th><td>${v}</td></tr>`;
  return html`<h1>${device.deviceId} <span class="mute">of <a href="/accounts">${account.address}</a></span></h1>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
<div class="scroll"><table class="kv"><tbody>
${row('Type', device.deviceType)}${row('User agent', device.userAgent ?? '-')}${row('EAS version', device.protocolVersion ?? '-')}
${row('First seen', when(device.firstSeenAt))}${row('Last request', `${when(device.lastSeenAt)} (${duration(Math.max(0, now.getTime() - Date.parse(device.lastSeenAt)))} ago)`)}
${row('Provisioned', device.policyKey !== null ? `yes (policy key ${device.policyKey})` : 'no')}
${html`<tr><th>Remote wipe</th><td id="wipe-state">${device.wipe}</td></tr>`}
${row('Parked now', parkedText(parkedState(history[0], now), now))}${info ? row('Information', info) : ''}
</tbody></table></div>
<div class="actions"><a class="button danger" href="${base}/wipe">Wipe…</a><a class="button" href="${base}/remove">Remove…</a></div>
<h2>Pings and Sync-Waits</h2>
${
  history.length === 0
    ? html`<p class="mute">None yet.</p>`
    : html`<div class="scroll">${timelineChart(history.slice(0, 20), now)}</div>
<p class="mute">Bars: parked (green: answered by new mail, grey: heartbeat, blue: replaced or parked now, amber: disconnected); dots: woken by a delivery; amber lines: the gap until the device came back.</p>
<ol class="timeline" reversed>${await Promise.all(history.map(async (e) => await entryLine(store, account, e, now)))}</ol>`
}`;
}
