/** What most browser tests start with: the site built into a temporary folder, served by the project's server, and Chromium. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { build, type BuildOptions } from '../../build.js';
import { startStaticServer, type RunningServer } from '../../lib/host/serve.js';
import { launchChromium } from './chromium.js';

export interface BuiltSite {
  root: string;
  server: RunningServer;
  browser: Browser;
  /** The site's address, ending in "/". */
  url: string;
  /** Closes the browser and the server and removes the folder. */
  close(): Promise<void>;
}

export async function startBuiltSite(name: string, options: Omit<BuildOptions, 'outDir'> = {}): Promise<BuiltSite> {
  const root = mkdtempSync(join(tmpdir(), `ziffern-${name}-`));
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await build({ ...options, outDir: root });
    server = await startStaticServer({ root, port: 0 });
    browser = await launchChromium();
  } catch (error) {
    await close();
    throw error;
  }
  return { root, server, browser, url: server.url, close };
}
