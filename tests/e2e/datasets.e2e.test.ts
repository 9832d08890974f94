/**
 * The Datasets page in Chromium against the real app: empty at first with what to do next;
 * after an import into the app's data folder (what `npm run -s cli -- import FILE` does), the
 * import's progress, what is stored, which days and how big.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importToStore, storeRoot } from '@/datasets/store';
import { simulateSession } from '@/engine/market/simulator';
import { SuiteApp } from './app-process';
import { launchChromium, newPage, screenshots, signUp } from './browser';

const shot = screenshots('e2e', { fullPage: true });
const suite = new SuiteApp();
const scratch = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-datasets-e2e-'));
let browser: Browser;

beforeAll(async () => {
  await suite.start();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
  expect(await suite.dispose()).toBe(0);
});

describe('datasets', () => {
  it('shows the empty store, then an import with its progress and the stored days with sizes', async () => {
    const page = await newPage(browser, { viewport: { width: 1440, height: 900 } });
    await signUp(page, suite.base, {
      name: 'Dana Data',
      email: `dana.${Date.now().toString(36)}@example.test`,
      password: 'minute-chains-375',
    });
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Datasets' })
      .click();
    await page.waitForURL(/\/datasets$/);
    await expect
      .poll(() => page.getByTestId('empty-state').textContent())
      .toMatch(/No option chains stored yet.*npm run -s cli -- import FILE/);

    const file = path.join(scratch, 'banknifty-20261120.ndjson');
    const session = [
      ...simulateSession({
        underlying: 'BANKNIFTY',
        seed: 5,
        date: '2026-11-20',
        intervalSeconds: 600,
      }),
    ];
    writeFileSync(file, session.map((s) => JSON.stringify(s)).join('\n') + '\n');
    await importToStore(storeRoot(suite.app.dataDir), file);

    await page.reload();
    const stored = page.getByTestId('stored-table');
    await expect.poll(() => stored.textContent()).toMatch(/BANKNIFTY/);
    expect(await stored.textContent()).toMatch(/1 \(2026-11-20 → 2026-11-20\)/);
    const imports = page.getByTestId('imports-table');
    await expect.poll(() => imports.textContent()).toMatch(/banknifty-20261120\.ndjson.*done/);
    await page.getByRole('button', { name: 'Show days' }).click();
    const days = page.getByTestId('days-BANKNIFTY');
    await expect.poll(() => days.textContent()).toMatch(/2026-11-2009:15–15:25/);
    expect(await days.textContent()).toContain(String(session.length));
    await shot(page, 'datasets');
  });
});
