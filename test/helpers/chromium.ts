import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Opens a local HTML file in headless Debian Chromium, runs `check` on the page, saves a full-page
 * screenshot to test-artifacts/<name>.png and returns every console error, page error and request
 * that left the file (a self-contained page has none). Undefined when Chromium is not installed.
 */
export async function inChromium(file: string, name: string, check: (page: Page) => Promise<void>): Promise<string[] | undefined> {
  if (!existsSync(CHROMIUM)) return undefined;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1250, height: 900 } });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) problems.push(`request: ${request.url()}`);
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await check(page);
    const artifacts = resolve('test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
    return problems;
  } finally {
    await browser.close();
  }
}

/** Asserts-friendly count of the drawn marks (paths and lines) in a figure's SVG, and its size. */
export async function plotMarks(page: Page, plot: string): Promise<{ marks: number; width: number; height: number }> {
  const svg = page.locator(`figure[data-plot="${plot}"] svg`);
  const marks = await svg.locator('g[class*="role-mark"] > path, g[class*="role-mark"] > line').count();
  const box = await svg.boundingBox();
  return { marks, width: box?.width ?? 0, height: box?.height ?? 0 };
}
