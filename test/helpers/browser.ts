// Real-browser test helpers: Debian's chromium driven by playwright-core (no
// browser download), headless and with its network features off. When
// chromium is missing the browser tests are skipped with a note, except under
// CI, where they must run.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type BrowserContextOptions } from 'playwright-core';
import { REPO_ROOT, makeTempDir } from './collector.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts');

/** True when the browser tests can run here; throws under CI when they cannot. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI) throw new Error(`CI is set but ${CHROMIUM_PATH} is missing: install it with \`apt-get install -y chromium\``);
  process.stderr.write(`\n[dashboard tests] skipped: no chromium at ${CHROMIUM_PATH} (apt-get install -y chromium runs them)\n\n`);
  return false;
}

/** A fresh headless chromium with its own empty profile directory. */
export async function launchBrowser(options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(makeTempDir('drumbeats-chromium-'), {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
    ...options,
  });
}

/** Where a screenshot named `name` goes (test-artifacts/, gitignored). */
export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}
