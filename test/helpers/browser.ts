import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium; CI installs it (.ci/run). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * Whether the browser tests run here. A development machine without Chromium skips them
 * with a message; CI never does: a missing browser there fails the run instead of passing it.
 */
export const browserAvailable = fs.existsSync(CHROMIUM_PATH) || Boolean(process.env.CI);
if (!browserAvailable) {
  process.stderr.write(`browser tests skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)\n`);
}

const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/** Where screenshots go, for a person to look at after the run. */
export const SCREENSHOT_DIR = path.join(os.tmpdir(), 'gridgov-screenshots');

export interface TestBrowser {
  context: BrowserContext;
  /** A new tab that records what it requests, what it logs as an error, and its uncaught exceptions. */
  page(options?: { width: number; height: number }): Promise<WatchedPage>;
  close(): Promise<void>;
}

export interface WatchedPage {
  page: Page;
  /** Every URL the tab requested (documents, scripts, styles, fetches, WebSockets). */
  requests: string[];
  /** Console errors, uncaught exceptions and CSP violations. */
  errors: string[];
}

/** A headless Chromium with a fresh profile of its own, removed at close. */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  return {
    context,
    async page(size) {
      const page = await context.newPage();
      if (size) await page.setViewportSize(size);
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      page.on('websocket', (socket) => requests.push(socket.url()));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      return { page, requests, errors };
    },
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The URLs a tab fetched from anywhere but the server's own origin (HTTP or WebSocket), e.g. a CDN; inline data is no fetch. */
export function foreignRequests(requests: readonly string[], port: number): string[] {
  return requests.filter((url) => {
    if (url.startsWith('data:')) return false;
    const { hostname, port: p } = new URL(url);
    return !(['localhost', '127.0.0.1'].includes(hostname) && Number(p) === port);
  });
}
