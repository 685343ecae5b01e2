import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CHROMIUM } from '../helpers/chromium.js';
import { CLI_PATH, runCli } from '../helpers/cli.js';

const config = {
  seed: 3, methods: ['rs'], budget: 2, ensembleSizes: [2], macro: { cells: 2, channels: 4 }, dataset: { trainLimit: 48 },
  training: { epochs: 1, batchSize: 24 }, shift: { severities: [0] }, evaluation: { anytimeStep: 2 }, execution: { workers: 2 },
};

/** The "networks trained" cell of the summary table's row of `method` (its second column), as the browser shows it. */
async function networksTrained(page: Page, method: string): Promise<string | undefined> {
  const text = await page.innerText('body').catch(() => '');
  return new RegExp(`^${method}\\t(\\d+)\\t`, 'm').exec(text)?.[1];
}

test('nes serve: the page in headless Chromium reloads itself and shows a member that appears after it was opened', { skip: !existsSync(CHROMIUM) && 'no Chromium' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-serve-'));
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(config));
  const runsDir = join(dir, 'runs');
  const runDir = join(runsDir, 'watched');
  const first = await runCli(['search', '--config', configPath, '--runs-dir', runsDir, '--run-id', 'watched', '--quiet']);
  assert.equal(first.code, 0, first.stderr);

  const server = spawn(process.execPath, [CLI_PATH, 'serve', runDir, '--port', '0', '--refresh', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (chunk) => {
        out += chunk;
        const match = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (match) resolve(match[1]!);
      });
      server.once('exit', (code) => reject(new Error(`nes serve exited with ${code}`)));
    });
    const notFound = await fetch(`${url}members`);
    assert.equal(notFound.status, 404);
    assert.equal((await fetch(url, { method: 'POST' })).status, 405, 'read-only');

    const page = await browser.newPage();
    await page.goto(url);
    assert.equal(await networksTrained(page, 'rs'), '2');
    // A new member appears: the study grows by one network while the page is open.
    const grown = await runCli(['search', '--resume', runDir, '--budget', '3', '--quiet']);
    assert.equal(grown.code, 0, grown.stderr);
    // The page reloads itself (every second): wait, up to a bound, for the reload that shows it.
    for (let i = 0; i < 60 && (await networksTrained(page, 'rs')) !== '3'; i++) await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(await networksTrained(page, 'rs'), '3');
  } finally {
    await browser.close();
    server.kill('SIGTERM');
  }
});
