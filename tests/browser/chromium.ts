/**
 * Shared set-up for browser tests: Debian's Chromium through playwright-core (no browser download), and a
 * page watcher that records console errors, uncaught exceptions, failed requests and requests to any
 * host other than the test server.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Start headless Chromium; without it the browser tests fail (never skip) and say how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}. The browser tests need it: run \`apt-get update && apt-get install -y chromium\` (Debian), or set CHROMIUM_PATH to a Chromium binary.`);
  }
  // playwright's launch() gives every browser a fresh temporary profile (user-data-dir) and removes it on close.
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export interface WatchedPage {
  page: Page;
  /** Console errors, page errors, failed requests and foreign requests seen so far. */
  problems(): string[];
  close(): Promise<void>;
}

/** A new page whose every request must go to `allowedHost` (host:port); data: and blob: URLs are local. */
export async function watchPage(browser: Browser, allowedHost: string): Promise<WatchedPage> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  const checkUrl = (url: string, what: string) => {
    const parsed = new URL(url);
    if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return;
    if (parsed.host !== allowedHost) problems.push(`${what} to another host: ${url}`);
  };
  page.on('request', (request) => checkUrl(request.url(), 'request'));
  // Workers' requests (worker.js fetching its wasm) are reported on the context, not always on the page.
  context.on('request', (request) => checkUrl(request.url(), 'request'));
  page.on('worker', (worker) => checkUrl(worker.url(), 'worker'));
  return { page, problems: () => [...new Set(problems)], close: () => context.close() };
}
