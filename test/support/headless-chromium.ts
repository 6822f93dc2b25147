import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's package (apt-get install chromium); CHROMIUM_PATH names another. Never a browser Playwright downloads. */
const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** The Chromium to drive, or why there is none (one line, printed when a browser test skips). */
export const findChromium = (): { readonly executablePath: string } | { readonly missing: string } => {
  const executablePath = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
  if (existsSync(executablePath)) return { executablePath };
  return {
    missing: process.env.CHROMIUM_PATH
      ? `CHROMIUM_PATH ${executablePath} does not exist: point it at a Chromium binary`
      : `no ${DEFAULT_CHROMIUM}: install it (apt-get install -y --no-install-recommends chromium) or set CHROMIUM_PATH`,
  };
};

export interface HeadlessChromium {
  readonly context: BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/**
 * Headless Chromium on a fresh profile in a temp dir (Playwright takes the profile as launchPersistentContext's
 * user data dir: it refuses --user-data-dir among the args), with nothing that would reach for the network.
 */
export const launchChromium = async (executablePath: string): Promise<HeadlessChromium> => {
  const profile = mkdtempSync(path.join(tmpdir(), 'orders-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    return {
      context,
      close: async () => {
        try {
          await context.close();
        } finally {
          rmSync(profile, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
};
