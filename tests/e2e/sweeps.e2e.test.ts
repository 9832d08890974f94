/**
 * A parameter sweep in Chromium against the production build: a trader picks two fields and
 * their values on the Sweeps page, the fleet runs the four combinations, the heat map fills in
 * with net P&L per cell (and Sharpe, out of sample, when asked), the in-sample choice is shown
 * beside its out-of-sample sessions, and the overfitting warning is there to read.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAndIn } from '@/tests/support/app-client';
import { SuiteApp } from './app-process';
import { launchChromium, newPage, screenshots, signIn } from './browser';

const root = path.resolve(import.meta.dirname, '..', '..');
const shot = screenshots('e2e', { fullPage: true });
const suite = new SuiteApp();
let browser: Browser;

beforeAll(async () => {
  await suite.start();
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  expect(await suite.dispose()).toBe(0);
});

describe('sweeps', () => {
  it('runs a 2 x 2 sweep from the Sweeps page and shows its heat map, choice and warning', async () => {
    const who = {
      email: `sam.${Date.now().toString(36)}@example.test`,
      password: 'grid-of-stops-42',
    };
    const api = await signUpAndIn(suite.base, who);
    const json = JSON.parse(
      readFileSync(path.join(root, 'engine/dsl/examples/nifty-short-straddle-recost.json'), 'utf8'),
    );
    delete json.basket.strategies[0].daysToExpiry;
    const imported = await api.api.strategies.import.mutate({ name: 'Straddle to sweep', document: json }); // prettier-ignore
    if (!imported.ok) throw new Error(JSON.stringify(imported.errors));

    const page = await newPage(browser, { viewport: { width: 1440, height: 1000 } });
    await signIn(page, suite.base, who);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sweeps' }).click(); // prettier-ignore
    await page.waitForURL(/\/sweeps$/);
    await expect.poll(() => page.getByTestId('empty-state').textContent()).toMatch(/No sweeps yet/);
    const form = page.getByTestId('sweep-launcher');
    await expect.poll(() => form.getByLabel('Strategy').textContent()).toContain('Straddle to sweep'); // prettier-ignore
    await form.getByLabel('From', { exact: true }).fill('2026-11-09');
    await form.getByLabel('To', { exact: true }).fill('2026-11-20');
    await form.getByLabel('Values of field 1').fill('20, 40');
    await form.getByLabel('Values of field 2').fill('09:20, 10:30');
    await form.getByRole('button', { name: 'Run 4 combinations on the fleet' }).click();

    await page.waitForURL(/\/sweeps\/[0-9a-f-]{36}$/);
    const status = page.getByTestId('sweep-status');
    await expect.poll(() => status.textContent(), { timeout: 180_000, interval: 500 }).toMatch(/Finished: 4 combinations/); // prettier-ignore
    const cells = page.getByTestId('heatmap-cell');
    expect(await cells.count()).toBe(4);
    for (const t of await cells.allTextContents()) expect(t).toMatch(/^-?[\d,]+$/);
    const map = page.getByTestId('sweep-heatmap');
    expect(await map.textContent()).toMatch(/Net P&L, whole range: rows Stop-loss %, columns Entry time/); // prettier-ignore
    expect(await map.textContent()).toMatch(/09:2010:30/);
    await expect
      .poll(() => page.getByTestId('walk-forward').textContent())
      .toMatch(/Chosen on the in-sample sessions: Stop-loss % (20|40), Entry time (09:20|10:30).*Out of sample \(\d+: .*2026-11-20\)/); // prettier-ignore
    expect(await page.getByTestId('overfitting-warning').textContent()).toMatch(
      /overfitting.*in-sample sessions: too few to tell a better parameter from luck/,
    );
    await page.getByLabel('Metric').selectOption('sharpe');
    await page.getByLabel('Sessions').selectOption('outOfSample');
    expect(await map.textContent()).toMatch(/Sharpe, out of sample/);
    await shot(page, 'sweep-heatmap');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sweeps' }).click(); // prettier-ignore
    // The list refetches every 2 s while a sweep it shows is unfinished.
    await expect.poll(() => page.getByTestId('sweep-list').textContent(), { timeout: 15_000, interval: 250 }).toMatch(/Straddle to sweep.*succeeded · 4\/4/); // prettier-ignore
  }, 300_000);
});
