import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { boardCompound, type BoardCompound } from '../helpers/board';
import { browserAvailable, foreignRequests, launchBrowser, SCREENSHOT_DIR, type TestBrowser } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';

let t: TestServer;
let c: BoardCompound;
let browser: TestBrowser;

const boardUrl = () => `http://localhost:${t.server.port}/board/${encodeURIComponent(c.ids.compound)}`;

/** The figures of a month's card as the page shows them, label → amount. */
function figuresOf(page: Page, month: string): Promise<Record<string, string>> {
  return page.evaluate((m) => {
    const rows = [...(globalThis as any).document.querySelectorAll(`.notice[data-month="${m}"] .figure`)];
    return Object.fromEntries(rows.map((row: any) => [row.querySelector('dt').textContent, row.querySelector('dd').textContent]));
  }, month);
}

/** Set on the window after load: still there later means the page changed without a reload. */
const MARK = '__boardNotReloaded';

describe.skipIf(!browserAvailable)('the notice board in Chromium', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    t = await startTestServer();
    c = await boardCompound(t);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  test('a disclosure published through the API appears without a reload; then its correction, with the reason', async () => {
    const { page, requests, errors } = await browser.page();
    await page.goto(boardUrl());
    await expect(page.locator('h1').textContent()).resolves.toBe(c.compound.name);
    await expect(page.locator('.empty').textContent()).resolves.toBe('本小区暂无已公示的月度收支。');
    await expect.poll(() => page.locator('.status').getAttribute('data-state'), { timeout: 60_000 }).toBe('live');
    await page.evaluate((mark) => { (globalThis as any)[mark] = true; }, MARK);

    const january = await c.publish('2026-01', '8000.00', '2000.00', '5200.00');
    const card = page.locator('.notice[data-month="2026-01"]');
    await card.waitFor({ timeout: 60_000 });
    expect(await figuresOf(page, '2026-01')).toEqual({
      期初结余: '0.00 元', 收入合计: '8,000.00 元', 物业酬金: '800.00 元', 支出合计: '2,000.00 元', 期末结余: '5,200.00 元',
    });
    await expect(card.locator('h2').textContent()).resolves.toBe('2026年1月');
    await expect(card.locator('code').textContent()).resolves.toBe(january.contentHash.slice(0, 12));
    await expect(card.locator('.notice-foot').textContent()).resolves.toMatch(/公示于 \d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d/);
    await expect(card.locator('.badge').count()).resolves.toBe(0);
    await expect(page.locator('.status').textContent()).resolves.toMatch(/2026年1月收支已公示$/);
    expect(await page.evaluate((mark) => (globalThis as any)[mark], MARK)).toBe(true);

    const corrected = await c.correct('2026-01', '一月保洁费多记 500 元，已退回', '8000.00', '1500.00', '5700.00');
    await page.locator('.notice[data-month="2026-01"][data-version="2"]').waitFor({ timeout: 60_000 });
    await expect(card.locator('.badge').textContent()).resolves.toBe('更正 · 第2版');
    await expect(card.locator('.correction').textContent()).resolves.toBe('更正原因：一月保洁费多记 500 元，已退回');
    expect(await figuresOf(page, '2026-01')).toMatchObject({ 支出合计: '1,500.00 元', 期末结余: '5,700.00 元' });
    await expect(card.locator('code').textContent()).resolves.toBe(corrected.contentHash.slice(0, 12));
    await expect(page.locator('.notice').count()).resolves.toBe(1);
    await expect(page.locator('.status').textContent()).resolves.toMatch(/2026年1月收支已更正（第2版）$/);
    expect(await page.evaluate((mark) => (globalThis as any)[mark], MARK)).toBe(true);

    expect(foreignRequests(requests, t.server.port)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('readable on a phone (375 px, nothing wider than the screen) and on a lobby screen; screenshots for a person to look at', async () => {
    await c.publish('2026-02', '8123456.78', '1234.56', '7315576.54');
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    for (const [name, size] of [['phone', { width: 375, height: 812 }], ['lobby', { width: 1920, height: 1080 }]] as const) {
      const { page, errors } = await browser.page(size);
      await page.goto(boardUrl());
      await page.locator('.notice[data-month="2026-02"]').waitFor();
      const widths = await page.evaluate(() => {
        const root = (globalThis as any).document.documentElement;
        return { scroll: root.scrollWidth as number, client: root.clientWidth as number };
      });
      expect(widths.scroll, name).toBeLessThanOrEqual(widths.client);
      const fontPx = (selector: string) => page.locator(selector).first().evaluate((e) => parseFloat((globalThis as any).getComputedStyle(e).fontSize));
      expect(await fontPx('.figure dd'), name).toBeGreaterThanOrEqual(16);
      if (name === 'lobby') expect(await fontPx('.figure dd')).toBeGreaterThanOrEqual(24);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `board-${name}.png`), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  test('an unknown compound shows a page in Chinese', async () => {
    const { page } = await browser.page();
    const response = await page.goto(`http://localhost:${t.server.port}/board/not-a-compound`);
    expect(response?.status()).toBe(404);
    await expect(page.locator('h1').textContent()).resolves.toBe('未找到这个小区');
    await page.close();
  });
});
