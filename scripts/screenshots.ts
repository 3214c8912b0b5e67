// `npm run screenshots`: the README's pictures of the operator's console (docs/admin.md), made
// from a real server on port 0 with a little real traffic (phones Pinging, mail delivered over
// SMTP), photographed by headless Debian chromium at phone (390 px) and desktop (1280 px) widths
// into docs/img/admin-<page>-<width>.png.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { createServer } from '../bin/server.js';
import { createEasClient, type EasClient } from '../test/helpers/eas-client.js';
import { openBrowser } from '../test/admin/browser.js';
import { ping, syncAll, until } from '../test/push/helpers.js';

const OUT = fileURLToPath(new URL('../docs/img/', import.meta.url));
const WIDTHS = [390, 1280] as const;

const dataDir = mkdtempSync(join(tmpdir(), 'eas-push-screenshots-'));
const loopback = { host: '127.0.0.1', port: 0 };
const server = await createServer({
  dataDir,
  smtp: loopback,
  http: loopback,
  admin: loopback,
  heartbeatMin: 1,
  parseWorkers: 0,
  hostname: 'mail.example.com',
});
try {
  const { store } = server;
  const root = await store.createAccount('ops@example.com', 'screenshot-admin', 'Operator');
  await store.setAdmin(root.id, true);
  const alice = await store.createAccount('alice@example.com', 'alice-pw', 'Alice Example');
  await store.createAccount('bob@example.com', 'bob-pw', 'Bob Example');
  const mailer = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtp!.port, secure: false, ignoreTLS: true });
  const send = (to: string, subject: string) => mailer.sendMail({ from: 'news@example.org', to, subject, text: `${subject}\n` });

  const phone = (user: string, password: string, deviceId: string, deviceType: string, userAgent: string): EasClient =>
    createEasClient({ port: server.http.port, user, password, deviceId, deviceType, userAgent });
  const alicePhone = phone('alice@example.com', 'alice-pw', 'ALICEPHONE01', 'iPhone', 'Apple-iPhone15C2/2205.114');
  const aliceTablet = phone('alice@example.com', 'alice-pw', 'ALICETABLET1', 'Android', 'Android-Mail/2024.05');
  const bobPhone = phone('bob@example.com', 'bob-pw', 'BOBPHONE0001', 'Outlook', 'Outlook-iOS/2.0');
  const parkedOf = (c: EasClient, accountId: number) => async () => {
    const d = await store.getDevice(accountId, c.opts.deviceId);
    return d !== null && server.push.isParked(accountId, d.id);
  };

  // Alice's phone: a few Pings woken by new mail, one that ran to its heartbeat, one parked now.
  const inbox = await alicePhone.inboxId();
  await syncAll(alicePhone, inbox);
  for (let i = 1; i <= 6; i++) {
    const answer = ping(alicePhone, 900, [inbox]);
    await until(parkedOf(alicePhone, alice.id), 'the phone parked');
    await send('alice@example.com', ['Invoice 2026-114', 'Lunch on Friday?', 'Build passed', 'Your parcel is on its way', 'Minutes of the meeting', 'Re: holiday plans'][i - 1]!);
    await answer;
    await new Promise((r) => setTimeout(r, 300));
    await syncAll(alicePhone, inbox);
  }
  await ping(alicePhone, 1, [inbox]);
  void ping(alicePhone, 900, [inbox]);
  await until(parkedOf(alicePhone, alice.id), 'the phone parked');

  const tabletInbox = await aliceTablet.inboxId();
  await syncAll(aliceTablet, tabletInbox);
  void ping(aliceTablet, 900, [tabletInbox]);
  const bobInbox = await bobPhone.inboxId();
  await syncAll(bobPhone, bobInbox);
  await send('bob@example.com', 'Welcome');

  // One failed login, so the server page has one.
  await createEasClient({ port: server.http.port, user: 'bob@example.com', password: 'wrong', deviceId: 'BOBPHONE0001' }).options();

  mkdirSync(OUT, { recursive: true });
  const base = `http://127.0.0.1:${server.admin!.port}`;
  for (const width of WIDTHS) {
    const b = await openBrowser({ width, height: width < 600 ? 844 : 800 });
    try {
      const { page } = b;
      await page.goto(`${base}/login`);
      await page.screenshot({ path: join(OUT, `admin-login-${width}.png`), fullPage: true });
      await page.fill('#address', 'ops@example.com');
      await page.fill('#password', 'screenshot-admin');
      await Promise.all([page.waitForURL(/\/accounts$/), page.click('button[type=submit]')]);
      await page.screenshot({ path: join(OUT, `admin-accounts-${width}.png`), fullPage: true });
      await page.goto(`${base}/accounts/alice%40example.com/devices/ALICEPHONE01`);
      await page.screenshot({ path: join(OUT, `admin-device-${width}.png`), fullPage: true });
      await page.goto(`${base}/server`);
      await page.screenshot({ path: join(OUT, `admin-server-${width}.png`), fullPage: true });
    } finally {
      await b.close();
    }
  }
  mailer.close();
  console.log(`screenshots written to ${OUT}`);
} finally {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
