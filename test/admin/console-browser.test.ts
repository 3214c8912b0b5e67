// The console in headless Chromium (docs/admin.md): log in, watch a phone appear and its Ping
// be answered live when swaks delivers, wipe a device, and the refusals (a non-admin account, a
// cross-site POST). Waits are on what the page shows, each bounded; the phone's Ping has a
// heartbeat no test reaches, so only the delivery can answer it.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { createEasClient } from '../helpers/eas-client.js';
import { sendMail } from '../helpers/swaks.js';
import { ping, readPing, syncAll } from '../push/helpers.js';
import { browserFor, logIn } from './browser.js';
import { ADMIN, ALICE, consoleWorld } from './world.js';

/** A heartbeat no test reaches. */
const NEVER = 3000;
/** Bound on what the page must show after the event that causes it (an SSE round trip). */
const SHOWN_MS = 15_000;

test.serial('log in, see a phone appear when it connects, and its Ping answered in the timeline when swaks delivers, without a reload', async (t) => {
  const w = await consoleWorld(t);
  const page = await browserFor(t);
  await logIn(page, w.base, ADMIN);
  t.regex(page.url(), /\/accounts$/);
  t.is(await page.locator('tr[data-device="PHONE0001"]').count(), 0);
  await page.waitForSelector('body[data-live="open"]', { timeout: SHOWN_MS });

  const phone = createEasClient({ port: w.ts.httpPort, user: ALICE.address, password: ALICE.password, deviceId: 'PHONE0001', userAgent: 'Example-Phone/1.0' });
  const inbox = await phone.inboxId();
  await syncAll(phone, inbox);
  const parkedPing = ping(phone, NEVER, [inbox]);

  const row = page.locator('tr[data-device="PHONE0001"]');
  await row.waitFor({ timeout: SHOWN_MS });
  await page.locator('tr[data-device="PHONE0001"] >> text=Ping for').waitFor({ timeout: SHOWN_MS });
  t.true((await row.textContent())?.includes('Example-Phone/1.0'));

  await page.click('tr[data-device="PHONE0001"] a');
  await page.waitForURL(/\/devices\/PHONE0001$/);
  await page.waitForSelector('body[data-live="open"]', { timeout: SHOWN_MS });
  t.is(await page.locator('li[data-outcome="parked"]').count(), 1);
  // A marker a reload would lose.
  await page.evaluate('window.marker = 42');

  const sent = await sendMail({ port: w.ts.smtpPort, to: ALICE.address, subject: 'Live from the console test', body: 'hello' });
  t.is(sent.code, 0, sent.stderr);
  const answer = readPing(await parkedPing);
  t.is(answer.status, 2, 'the delivery answered the Ping');

  const answered = page.locator('li[data-outcome="add"]');
  await answered.waitFor({ timeout: SHOWN_MS });
  const line = (await answered.textContent()) ?? '';
  t.regex(line, /new mail: answered .* after delivery/);
  t.true(line.includes('woken by the delivery of “Live from the console test” from sender@example.org'), line);
  t.is(await page.evaluate('window.marker'), 42, 'the page was not reloaded');
  t.is(await page.locator('svg[aria-label="push timeline"] circle').count(), 1, 'the timeline marks the wake');
});

test.serial('wipe a device: the confirm step, then the device is told on its next request', async (t) => {
  const w = await consoleWorld(t);
  const phone = createEasClient({ port: w.ts.httpPort, user: ALICE.address, password: ALICE.password, deviceId: 'PHONE0002' });
  await phone.folderSync();
  const page = await browserFor(t);
  await logIn(page, w.base, ADMIN);
  await page.click('tr[data-device="PHONE0002"] a');
  await page.click('text=Wipe…');
  await page.waitForURL(/\/wipe$/);
  t.true((await page.textContent('main'))?.includes('factory-resets the device'));
  t.is((await w.ts.store.getDevice(w.alice.id, 'PHONE0002'))?.wipe, 'none', 'the confirm page itself does nothing');
  await Promise.all([page.waitForURL(/\/devices\/PHONE0002\?done=/), page.click('button:has-text("Wipe the device")')]);
  t.is(await page.textContent('#wipe-state'), 'requested');
  t.is((await w.ts.store.getDevice(w.alice.id, 'PHONE0002'))?.wipe, 'requested');
  const next = await phone.folderSync();
  t.is(next.status, 140, 'RemoteWipeRequested on the next request');
});

test.serial('a non-admin account is refused at the login form', async (t) => {
  const w = await consoleWorld(t);
  const page = await browserFor(t);
  await logIn(page, w.base, ALICE);
  t.regex(page.url(), /\/login$/);
  t.true((await page.textContent('[role=alert]'))?.includes('alice@example.com is not an administrator'));
  await page.goto(`${w.base}/server`);
  t.regex(page.url(), /\/login$/, 'no session was made');
});

test.serial('a cross-site POST is refused: a page elsewhere that submits a wipe form to the console', async (t) => {
  const w = await consoleWorld(t);
  const phone = createEasClient({ port: w.ts.httpPort, user: ALICE.address, password: ALICE.password, deviceId: 'PHONE0003' });
  await phone.folderSync();
  const target = `${w.base}/accounts/alice%40example.com/devices/PHONE0003/wipe`;
  // Another origin (another port: same site, so the SameSite cookie alone would not stop it).
  const evil = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end(`<form id="f" method="post" action="${target}"><input name="confirm" value="yes"><input name="csrf" value="guess"></form><script>document.getElementById('f').submit()</script>`);
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => evil.close(() => resolve())));
  const page = await browserFor(t);
  await logIn(page, w.base, ADMIN);
  t.regex(page.url(), /\/accounts$/);

  const refused = page.waitForResponse((r) => r.url() === target && r.request().method() === 'POST', { timeout: SHOWN_MS });
  await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
  const answer = await refused;
  t.is(answer.status(), 403);
  t.true((await answer.text()).includes('cross-site request refused'));
  t.is((await w.ts.store.getDevice(w.alice.id, 'PHONE0003'))?.wipe, 'none');
});
