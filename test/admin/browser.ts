// Headless Debian chromium driven by playwright-core for the console tests: never a browser
// download, a fresh profile (--user-data-dir) per browser, closed and removed at teardown.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function openBrowser(viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'eas-push-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A browser for one test, closed by the test's teardown. */
export async function browserFor(t: ExecutionContext, viewport?: { width: number; height: number }): Promise<Page> {
  const b = await openBrowser(viewport);
  t.teardown(() => b.close());
  return b.page;
}

/** Logs in through the login form; resolves on the accounts page. */
export async function logIn(page: Page, base: string, who: { address: string; password: string }): Promise<void> {
  await page.goto(`${base}/accounts`);
  await page.fill('#address', who.address);
  await page.fill('#password', who.password);
  const posted = page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST');
  await page.click('button[type=submit]');
  await posted;
  await page.waitForLoadState();
}
