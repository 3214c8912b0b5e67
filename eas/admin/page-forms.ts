// The console's forms (docs/admin.md §1, §4): the login form, and the confirm step in front of
// every action (wipe, remove a device, reset a password). Each form carries a CSRF token.

import type { Account, Device } from '../../store/types.js';
import { html, seg, type Html } from './html.js';

export function loginForm(loginToken: string, error: string | null): Html {
  return html`<h1>Operator console</h1>
${error ? html`<p class="notice bad" role="alert">${error}</p>` : ''}
<form method="post" action="/login">
<input type="hidden" name="csrf" value="${loginToken}">
<label for="address">Account</label><input id="address" name="address" type="email" autocomplete="username" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<p><button type="submit">Log in</button></p></form>
<p class="mute">Accounts marked with <code>eas-push user set ADDRESS --admin</code> may log in.</p>`;
}

export function wipeConfirm(account: Account, device: Device, csrf: string): Html {
  const base = `/accounts/${seg(account.address)}/devices/${seg(device.deviceId)}`;
  return html`<h1>Wipe ${device.deviceId}?</h1>
<p class="notice bad">A <b>full</b> remote wipe factory-resets the device on its next request: <b>all its data</b> is erased, not only this account (${account.address}).
${device.protocolVersion === '16.1' ? 'An account-only wipe removes only this account and its data (EAS 16.1).' : ''}
Until the device has acted on it, removing the device cancels the request.</p>
<form method="post" action="${base}/wipe"><input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="confirm" value="yes">
${device.protocolVersion === '16.1' ? html`<label><input type="checkbox" name="account-only" value="yes"> only this account (AccountOnlyRemoteWipe)</label>` : ''}
<div class="actions"><button class="danger" type="submit">Wipe the device</button><a class="button" href="${base}">Cancel</a></div></form>`;
}

export function removeConfirm(account: Account, device: Device, csrf: string): Html {
  const base = `/accounts/${seg(account.address)}/devices/${seg(device.deviceId)}`;
  return html`<h1>Remove ${device.deviceId}?</h1>
<p class="notice">The server forgets the device of ${account.address}: its sync state, cached Ping and push history. If it comes back it is seen as new and syncs everything again. This does not block it: reset the password for that.</p>
<form method="post" action="${base}/remove"><input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="confirm" value="yes">
<div class="actions"><button class="danger" type="submit">Remove the device</button><a class="button" href="${base}">Cancel</a></div></form>`;
}

export function passwordForm(account: Account, csrf: string, error: string | null): Html {
  return html`<h1>Reset the password of ${account.address}</h1>
${error ? html`<p class="notice bad" role="alert">${error}</p>` : ''}
<p class="notice">Every device of the account must then be given the new password; until then their requests are refused.</p>
<form method="post" action="/accounts/${seg(account.address)}/password"><input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="confirm" value="yes">
<label for="pw1">New password</label><input id="pw1" name="password" type="password" autocomplete="new-password" required>
<label for="pw2">The same again</label><input id="pw2" name="repeat" type="password" autocomplete="new-password" required>
<div class="actions"><button class="danger" type="submit">Set the password</button><a class="button" href="/accounts">Cancel</a></div></form>`;
}
