// The accounts page (docs/admin.md §2): every account, its devices, when each last made a
// request, and whether a Ping or Sync-Wait of it is parked now (read from the push history as
// `eas-push device list` reads it, eas/push/verdict.ts).

import type { Store } from '../../store/types.js';
import { duration, parkedState } from '../push/verdict.js';
import { html, seg, type Html } from './html.js';

export async function accountsLive(store: Store, now: Date, notice: string | null = null): Promise<Html> {
  const accounts = await store.listAccounts();
  let devices = 0;
  let parked = 0;
  const sections = await Promise.all(accounts.map(async (account) => {
    const list = await store.listDevices(account.id);
    devices += list.length;
    const rows = await Promise.all(list.map(async (d) => {
      const state = parkedState((await store.pushHistory(d.id, 1))[0], now);
      if (state.kind === 'parked') parked++;
      const push =
        state.kind === 'parked'
          ? html`<span class="ok">${state.entry.kind === 'ping' ? 'Ping' : 'Sync-Wait'} for ${duration(now.getTime() - Date.parse(state.since))}</span>`
          : state.kind === 'stale'
            ? html`<span class="bad">stale record</span>`
            : html`<span class="mute">no</span>`;
      return html`<tr data-device="${d.deviceId}"><td><a href="/accounts/${seg(account.address)}/devices/${seg(d.deviceId)}">${d.deviceId}</a></td>
<td>${d.deviceType}</td><td class="hide-narrow">${d.protocolVersion ?? '-'}</td><td>${duration(Math.max(0, now.getTime() - Date.parse(d.lastSeenAt)))} ago</td><td>${push}</td>
<td class="hide-narrow mute">${d.userAgent ?? '-'}</td></tr>`;
    }));
    return html`<section data-account="${account.address}"><h2>${account.address}${account.displayName ? html` <span class="mute">· ${account.displayName}</span>` : ''}${
      await store.isAdmin(account.id) ? html` <span class="mute">· admin</span>` : ''
    }</h2>
<div class="actions"><a class="button" href="/accounts/${seg(account.address)}/password">Reset password</a></div>${
      rows.length === 0
        ? html`<p class="mute">No devices yet.</p>`
        : html`<div class="scroll"><table><thead><tr><th>Device</th><th>Type</th><th class="hide-narrow">EAS</th><th>Last request</th><th>Parked now</th><th class="hide-narrow">User agent</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
    }</section>`;
  }));
  return html`<h1>Accounts</h1>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
<div class="cards"><div class="card"><b>${accounts.length}</b><span>accounts</span></div><div class="card"><b>${devices}</b><span>devices</span></div>
<div class="card"><b id="parked-count">${parked}</b><span>parked now</span></div><div class="card"><b>${now.toISOString().slice(11, 19)}</b><span>as of (UTC, ${now.toISOString().slice(0, 10)})</span></div></div>
${accounts.length === 0 ? html`<p class="mute">No accounts: add one with <code>eas-push user add</code>.</p>` : sections}`;
}
